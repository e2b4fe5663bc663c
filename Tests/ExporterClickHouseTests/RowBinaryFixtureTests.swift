@testable import ExporterClickHouse
import ExporterCore
import Foundation
import NIOCore
import Testing

/// ClickHouse 26.9's own `RowBinaryWithNamesAndTypes` (Fixtures/types.bin, written by
/// Fixtures/make-fixtures.py with chDB; Fixtures/types.tsv is the server's text of the same rows)
/// framed and decoded into exact values, however the bytes are cut into chunks.
struct RowBinaryFixtureTests {
    static func fixture(_ name: String) throws -> ByteBuffer {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return ByteBuffer(bytes: try Data(contentsOf: url))
    }

    static let declarations = [
        "String", "LowCardinality(String)", "Nullable(String)", "LowCardinality(Nullable(String))", "DateTime('UTC')",
        "DateTime64(3)", "DateTime64(9, 'UTC')", "Decimal(18, 8)", "Decimal(25, 15)", "UInt64", "Int32", "Bool", "Date", "String",
    ]
    static let names = ["id", "lc", "n", "lcn", "ts", "ts3", "ts9", "d18", "d25", "u64", "i32", "b", "dt", "props"]

    /// types.tsv's rows as the decoder hands them over (`props` declared JSON): nil is NULL,
    /// `T:` text, `D:` decimal, `I:` integer, `B:` boolean, `S:` timestamp in microseconds, `J:` JSON.
    static let expected: [[String?]] = [
        ["T:evt_1", "T:tenant_a", nil, nil, "S:1795132800000000", "S:1795170600123000", "T:2026-11-20T10:30:00.123456789Z",
         "D:1.50000000", "D:123456789.123456789012345", "I:42", "I:-7", "B:true", "T:2026-11-20", #"J:{"a": {"b": [1, "x, y"]}}"#],
        ["T:zürich ☕", "T:", "T:x\ty", "T:", "S:1795219199000000", "S:1000", "T:2026-11-20T00:00:00.000000000Z",
         "D:-0.00000001", "D:-0.000000000000001", "D:18446744073709551615", "I:2147483647", "B:false", "T:1970-01-01",
         "T:not json {"],
        ["T:", "T:e", "T:", "T:lc", "S:4294967295000000", "S:1795170600999000", "T:1969-12-31T23:59:59.999999999Z",
         "D:9999999999.99999999", "D:9999999999.999999999999999", "I:0", "I:-2147483648", "B:true", "T:2149-06-06", "T:"],
        ["T:id\u{FFFD}", "T:x", "T:\u{FFFD}\u{FFFD}", nil, "S:4294967295000000", "S:1795219200000000",
         "T:2026-11-21T00:00:00.000000000Z", "D:0.00000000", "D:0.000000000000000", "I:9223372036854775807", "I:0", "B:false",
         "T:2026-11-21", "T:{\"k\": \"\u{FFFD}\"}"],
    ]

    /// Reads `body` fed in `chunks`, and decodes every row.
    static func read(_ chunks: [ByteBuffer]) throws -> (columns: [SourceColumn], rows: [[String?]]) {
        var reader = RowBinaryReader()
        var decoder = ClickHouseFieldDecoder()
        var columns: [SourceColumn] = []
        var rows: [[String?]] = []
        for chunk in chunks {
            try reader.read(chunk, onHeader: { header in
                columns = header.map {
                    SourceColumn(name: $0.name, type: $0.type.declaredType(json: $0.name == "props"), typeName: $0.type.declaration)
                }
                try decoder.prepare(columns: columns)
            }, onRow: { row in
                var cells: [String?] = []
                try decoder.forEachField(of: row) { cells.append(Self.render($0)) }
                rows.append(cells)
            })
        }
        try reader.finish()
        return (columns, rows)
    }

    static func render(_ value: FieldValue) -> String? {
        func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }
        switch value {
        case .null: return nil
        case .text(let b): return "T:" + text(b)
        case .decimal(let b): return "D:" + text(b)
        case .integer(let n): return "I:\(n)"
        case .bool(let b): return "B:\(b)"
        case .timestamp(let micros): return "S:\(micros)"
        case .json(let b): return "J:" + text(b)
        }
    }

    @Test func headerDeclaresTheServersTypes() throws {
        let (columns, rows) = try Self.read([try Self.fixture("types.bin")])
        #expect(columns.map(\.name) == Self.names)
        #expect(columns.map(\.typeName) == Self.declarations)
        #expect(columns.map(\.type) == [
            .text, .text, .text, .text, .timestamp, .timestamp, .text, .numeric(precision: 18, scale: 8),
            .numeric(precision: 25, scale: 15), .numeric(precision: 20, scale: 0), .integer, .boolean, .text, .json,
        ])
        #expect(rows.count == 4)
    }

    @Test func everyCellHasItsExactValue() throws {
        let rows = try Self.read([try Self.fixture("types.bin")]).rows
        #expect(rows.count == Self.expected.count)
        for (row, expected) in zip(rows, Self.expected) { #expect(row == expected) }
    }

    /// Every cut of the body into two chunks, and one byte at a time: the same rows.
    @Test func rowsStraddlingChunksAreFramedTheSame() throws {
        let body = try Self.fixture("types.bin")
        for cut in 0...body.readableBytes {
            let chunks = [body.getSlice(at: 0, length: cut)!, body.getSlice(at: cut, length: body.readableBytes - cut)!]
            #expect(try Self.read(chunks).rows == Self.expected, "cut at \(cut)")
        }
        let bytes = (0..<body.readableBytes).map { body.getSlice(at: $0, length: 1)! }
        #expect(try Self.read(bytes).rows == Self.expected)
    }

    /// A body cut anywhere but at a row boundary never reads as complete.
    @Test func aBodyCutInsideARowFails() throws {
        let body = try Self.fixture("types.bin")
        var boundaries: Set<Int> = []
        var reader = RowBinaryReader()
        var offset = 0
        try reader.read(body, onHeader: { _ in }, onRow: { row in
            offset += row.readableBytes
        })
        let headerLength = body.readableBytes - offset
        var position = headerLength
        boundaries.insert(position)
        _ = try Self.read([body]).rows
        var lengths: [Int] = []
        var again = RowBinaryReader()
        try again.read(body, onHeader: { _ in }, onRow: { lengths.append($0.readableBytes) })
        for length in lengths {
            position += length
            boundaries.insert(position)
        }
        for cut in 0..<body.readableBytes where !boundaries.contains(cut) {
            #expect(throws: RowBinaryError.self, "cut at \(cut)") {
                _ = try Self.read([body.getSlice(at: 0, length: cut)!])
            }
        }
        for cut in boundaries {
            #expect(try Self.read([body.getSlice(at: 0, length: cut)!]).rows.count == boundaries.filter { $0 <= cut }.count - 1)
        }
    }

    @Test func anEmptyResultHasTheHeaderAndNoRow() throws {
        let (columns, rows) = try Self.read([try Self.fixture("types-empty.bin")])
        #expect(columns.map(\.typeName) == Self.declarations)
        #expect(rows.isEmpty)
    }

    @Test func noBodyAtAllIsNotAResult() {
        #expect(throws: RowBinaryError.noHeader(bytes: 0)) { try RowBinaryReader().finish() }
    }
}
