import FuzzSupport
import ExporterCore
import ExporterSource
import NIOCore

/// libFuzzer entry point: any bytes as a PostgreSQL binary COPY stream, cut into CopyData
/// messages and decoded field by field, as an export reads one.
///
/// The first byte picks how many columns (1 to 24), the next ones their wire types; the byte
/// after that, how long each message is (0: the whole stream in one, else 1 to 255 bytes; the
/// server sends a tuple per message, the reader accepts any cut between whole tuples and
/// refuses a tuple split across messages).
/// Errors are the expected answer to most inputs; a crash, a hang or a memory error is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBinaryCopy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = Array(UnsafeBufferPointer(start: data, count: size))[...]
    guard let first = input.popFirst() else { return 0 }
    let types: [PostgresWireType] = [.text, .json, .jsonb, .bool, .int2, .int4, .int8, .float4, .float8, .numeric,
                                     .timestamp, .timestamptz, .date, .uuid]
    var columns: [(name: String, type: PostgresWireType)] = []
    for index in 0..<(Int(first % 24) + 1) {
        guard let pick = input.popFirst() else { return 0 }
        columns.append(("c\(index)", types[Int(pick) % types.count]))
    }
    guard let cut = input.popFirst() else { return 0 }
    let messageLength = cut == 0 ? Int.max : Int(cut)
    var reader = BinaryCopyReader()
    var decoder = BinaryFieldDecoder(columns: columns)
    var sink = 0
    do {
        while !input.isEmpty {
            let piece = input.prefix(messageLength)
            input = input.dropFirst(piece.count)
            try reader.read(ByteBuffer(bytes: piece)) { tuple in
                try decoder.forEachField(of: tuple) { value in
                    switch value {
                    case .null: sink &+= 1
                    case .text(let bytes), .decimal(let bytes), .json(let bytes): sink &+= bytes.reduce(0) { $0 &+ Int($1) }
                    case .integer(let n): sink &+= Int(truncatingIfNeeded: n)
                    case .bool(let b): sink &+= b ? 1 : 0
                    case .timestamp(let micros): sink &+= Int(truncatingIfNeeded: micros)
                    }
                }
            }
        }
        try reader.finish()
    } catch {
        return 0
    }
    return sink == .min ? 1 : 0
}

/// The program's entry (SwiftPM names it `FuzzBinaryCopy_main`): libFuzzer's driver over `fuzzBinaryCopy`.
@_cdecl("FuzzBinaryCopy_main")
public func fuzzBinaryCopyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv, target: fuzzBinaryCopy)
}
