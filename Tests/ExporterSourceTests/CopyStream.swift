import ExporterSource
import Foundation
import NIOCore

/// A binary COPY stream as psql's `\copy ... TO 'file' WITH (FORMAT binary)` wrote it (see
/// Fixtures/README.md), and the CopyData messages a server would have sent it in.
///
/// The split is done here by an independent walk over the format, not by the reader under test:
/// PostgreSQL 15's copyto.c sends the header with the first tuple (with the trailer when there are
/// no rows), each tuple in its own message, and the trailer alone.
struct CopyStream {
    enum FixtureError: Error, CustomStringConvertible {
        case missing(String)
        case malformed(String)
        var description: String {
            switch self {
            case .missing(let name): "fixture \(name) is missing from the test bundle"
            case .malformed(let why): "fixture is not a binary COPY stream: \(why)"
            }
        }
    }

    /// The whole file.
    let bytes: ByteBuffer
    /// Where the header ends, where each tuple ends.
    private let headerLength: Int
    private let tupleLengths: [Int]

    init(fixture name: String) throws {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "bin") else {
            throw FixtureError.missing("\(name).bin")
        }
        try self.init(ByteBuffer(bytes: Data(contentsOf: url)))
    }

    init(_ bytes: ByteBuffer) throws {
        self.bytes = bytes
        let all = Array(bytes.readableBytesView)
        func int(_ at: Int, _ size: Int) throws -> Int {
            guard at + size <= all.count else { throw FixtureError.malformed("ends at byte \(all.count), needs \(at + size)") }
            var value = 0
            for byte in all[at..<(at + size)] { value = (value << 8) | Int(byte) }
            // Sign-extend.
            return value >= (1 << (size * 8 - 1)) ? value - (1 << (size * 8)) : value
        }
        var offset = 19 + (try int(15, 4))
        headerLength = offset
        var lengths: [Int] = []
        while true {
            let fields = try int(offset, 2)
            if fields == -1 { break }
            var end = offset + 2
            for _ in 0..<fields {
                let length = try int(end, 4)
                end += 4 + max(length, 0)
            }
            lengths.append(end - offset)
            offset = end
        }
        guard offset + 2 == all.count else { throw FixtureError.malformed("\(all.count - offset - 2) bytes after the trailer") }
        tupleLengths = lengths
    }

    /// The tuples' count.
    var rows: Int { tupleLengths.count }

    /// The messages as PostgreSQL sends them.
    var serverMessages: [ByteBuffer] {
        var rest = bytes
        var messages: [ByteBuffer] = []
        var first = headerLength
        for length in tupleLengths {
            messages.append(rest.readSlice(length: first + length) ?? ByteBuffer())
            first = 0
        }
        // The trailer alone, or with the header when there are no rows.
        messages.append(rest)
        return messages
    }
}

extension BinaryCopyReader {
    /// Reads `messages` in order; the tuples it handed over (slices of the messages).
    mutating func tuples(of messages: [ByteBuffer]) throws -> [ByteBuffer] {
        var tuples: [ByteBuffer] = []
        for message in messages {
            try read(message) { tuples.append($0) }
        }
        return tuples
    }
}
