import ExporterCore
import ExporterSource
import Foundation
import NIOCore
import Testing

/// The binary COPY stream of PostgreSQL 15 (Fixtures/wire-types.bin, every wire type with NULLs and
/// edge values), read and decoded into exactly what PostgreSQL's own text output of the same
/// SELECT says (Fixtures/wire-types.txt, written out below).
struct BinaryCopyFixtureTests {
    /// `wire_types`' columns (Fixtures/wire-types.sql), as the catalog names their types.
    static let columns: [(name: String, type: PostgresWireType)] = [
        ("id", "int8"), ("i2", "int2"), ("i4", "int4"),
        ("t", "text"), ("vc", "varchar"), ("bp", "bpchar"), ("nm", "name"), ("ci", "citext"),
        ("j", "json"), ("jb", "jsonb"), ("b", "bool"), ("f4", "float4"), ("f8", "float8"),
        ("n", "numeric"), ("nu", "numeric"), ("ts", "timestamp"), ("tz", "timestamptz"), ("d", "date"), ("u", "uuid"),
    ].map { column in
        guard let type = PostgresWireType(typeName: column.1) else { fatalError("test table: unknown type \(column.1)") }
        return (column.0, type)
    }

    /// `SELECT * FROM wire_types ORDER BY id` in PostgreSQL's text output (TimeZone UTC, DateStyle
    /// ISO), from Fixtures/wire-types.txt; nil is NULL.
    static let expected: [[String?]] = [
        ["1", "1", "1", "hello", "vc", "ab   ", "nm", "MiXeD", "{\"a\": 1,  \"b\":[1,2]}", "{\"a\": \"x\", \"b\": [1, 2]}", "t", "1.5", "0.1", "12345.67890000", "0.00", "2025-10-11 14:30:22.123456", "2025-10-11 14:30:22.123456+00", "2025-10-11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"],
        ["2", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil],
        ["3", "-32768", "-2147483648", "", "", "     ", "", "", "\"\"", "{}", "f", "-2.5e-10", "1e+20", "-123456789012.12345678", "-1234567890123456789012345678901234567890", "1969-07-20 20:17:40", "1900-01-01 00:00:00.000001+00", "1969-12-31", "00000000-0000-0000-0000-000000000000"],
        ["4", "32767", "2147483647", "Grüße, 東京 🚀 \"quoted\", comma\nnew line\ttab \\ backslash", "ümlaut", "äö   ", "ñame", "ÇiTeXt", "[1, \"ü\", null]", "{\"emoji\": \"🚀\", \"quote\": \"a\\\"b\", \"nested\": {\"k\": [true, null, 1.50]}}", "t", "3.4028235e+38", "-1.25", "0.00000000", "NaN", "2150-06-30 23:59:59.999999", "2100-03-01 12:00:00+00", "2100-02-28", "ffffffff-ffff-ffff-ffff-ffffffffffff"],
        ["5", "0", "0", "x", "y", "abcde", "z", "w", "{}", "[]", "f", "0", "0", "999999999999.99999999", "Infinity", "infinity", "-infinity", "infinity", "123e4567-e89b-12d3-a456-426614174000"],
        ["6", "-1", "-1", "last", "v", "c    ", "n", "c", "null", "null", "t", "-1", "2.5e-300", "-0.00000001", "-Infinity", "-infinity", "infinity", "-infinity", "0123abcd-4567-89ef-0123-456789abcdef"],
        ["7", "2", "3", "numerics", "v", "c    ", "n", "c", "1", "1.50", "f", "1", "1", "0.50000000", "0.000001234", "1970-01-01 00:00:00", "1970-01-01 00:00:00+00", "2000-01-01", "0123abcd-4567-89ef-0123-456789abcdef"],
        ["8", "2", "3", "more numerics", "v", "c    ", "n", "c", "1", "1", "f", "1", "1", "100000000.00000000", "10000.00010000", "2000-01-01 00:00:00", "1999-12-31 23:59:59.5+00", "1999-12-31", "0123abcd-4567-89ef-0123-456789abcdef"],
        ["9", nil, nil, "calendar edges", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "0001-01-01 00:00:00", "0001-01-01 00:00:00+00", "0044-03-15 BC", nil],
        ["10", nil, nil, "calendar edges", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "10000-01-01", nil],
    ]

    enum Feed: String, CaseIterable, CustomTestStringConvertible {
        /// Header with the first tuple, one tuple per message, the trailer alone.
        case asTheServerSendsIt
        /// The whole file as one message (several tuples and the trailer together).
        case asOneMessage
        var testDescription: String { rawValue }

        func messages(_ stream: CopyStream) -> [ByteBuffer] {
            switch self {
            case .asTheServerSendsIt: stream.serverMessages
            case .asOneMessage: [stream.bytes]
            }
        }
    }

    @Test(arguments: Feed.allCases)
    func everyWireTypeDecodesToPostgresTextOutput(_ feed: Feed) throws {
        let stream = try CopyStream(fixture: "wire-types")
        #expect(stream.rows == Self.expected.count)
        let messages = feed.messages(stream)
        if feed == .asTheServerSendsIt {
            #expect(messages.count == Self.expected.count + 1, "header+first row, one per row, the trailer")
        }
        var reader = BinaryCopyReader()
        let tuples = try reader.tuples(of: messages)
        #expect(reader.isFinished)
        try reader.finish()
        #expect(reader.rows == Self.expected.count)

        var decoder = BinaryFieldDecoder(columns: Self.columns)
        var rows: [[String?]] = []
        for tuple in tuples {
            var row: [String?] = []
            try decoder.forEachField(of: tuple) { value in
                let type = Self.columns[row.count].type
                let (kind, text) = Self.described(value, type: type)
                #expect(kind == Self.kind(of: type, text: text), "column \(Self.columns[row.count].name)")
                row.append(text)
            }
            rows.append(row)
        }
        try #require(rows.count == Self.expected.count)
        for (index, (row, expected)) in zip(rows, Self.expected).enumerated() {
            for (column, (got, want)) in zip(Self.columns, zip(row, expected)) {
                let want = column.type == .float4 || column.type == .float8 ? want.map(Self.todaysFloatText) : want
                #expect(got == want, "row \(index + 1), column \(column.name) (\(column.type.name))")
            }
            #expect(row.count == Self.columns.count)
        }
    }

    @Test func aTupleCanBeDecodedTwice() throws {
        // A text encoder reads a row again when it did not fit its reserved space.
        let stream = try CopyStream(fixture: "wire-types")
        var reader = BinaryCopyReader()
        let tuples = try reader.tuples(of: stream.serverMessages)
        var decoder = BinaryFieldDecoder(columns: Self.columns)
        for tuple in tuples {
            var first: [String?] = []
            var second: [String?] = []
            try decoder.forEachField(of: tuple) { first.append(Self.described($0, type: .text).text) }
            try decoder.forEachField(of: tuple) { second.append(Self.described($0, type: .text).text) }
            #expect(first == second)
            #expect(first.count == Self.columns.count)
        }
    }

    @Test(arguments: Feed.allCases)
    func aZeroRowResultIsTheHeaderAndTheTrailerInOneMessage(_ feed: Feed) throws {
        let stream = try CopyStream(fixture: "wire-types-empty")
        #expect(stream.rows == 0)
        #expect(stream.bytes.readableBytes == 21, "19-byte header + int16 -1")
        #expect(stream.serverMessages.count == 1)
        var reader = BinaryCopyReader()
        let tuples = try reader.tuples(of: feed.messages(stream))
        #expect(tuples.isEmpty)
        #expect(reader.isFinished)
        #expect(reader.rows == 0)
        try reader.finish()
    }

    // MARK: - Rendering a FieldValue the way PostgreSQL writes the value as text

    /// The decoder's float text is Swift's shortest round-trip form, as it has always been (FlexPrice
    /// has no float columns: amounts are numeric, DESIGN §2): an integral value keeps `.0` where
    /// PostgreSQL writes `1`. Every other float in the fixture reads the same in both.
    static func todaysFloatText(_ postgres: String) -> String {
        postgres.allSatisfy { $0 == "-" || $0.isNumber } ? postgres + ".0" : postgres
    }

    /// The case of ``FieldValue`` a column of `type` must produce.
    static func kind(of type: PostgresWireType, text: String?) -> String {
        guard text != nil else { return "null" }
        switch type {
        case .text, .date, .uuid: return "text"
        case .json, .jsonb: return "json"
        case .numeric, .float4, .float8: return "decimal"
        case .bool: return "bool"
        case .int2, .int4, .int8: return "integer"
        case .timestamp, .timestamptz: return text?.hasSuffix("infinity") == true ? "text" : "timestamp"
        }
    }

    /// The value's case, and its text as PostgreSQL's text output writes it.
    static func described(_ value: FieldValue, type: PostgresWireType) -> (kind: String, text: String?) {
        switch value {
        case .null: ("null", nil)
        case .text(let bytes): ("text", String(decoding: bytes, as: UTF8.self))
        case .decimal(let bytes): ("decimal", String(decoding: bytes, as: UTF8.self))
        case .json(let bytes): ("json", String(decoding: bytes, as: UTF8.self))
        case .integer(let n): ("integer", "\(n)")
        case .bool(let b): ("bool", b ? "t" : "f")
        case .timestamp(let micros): ("timestamp", postgresTimestamp(micros: micros, withZone: type == .timestamptz))
        }
    }

    /// `2025-10-11T14:30:22.123400Z` as PostgreSQL writes it: `2025-10-11 14:30:22.1234` (+00 for
    /// timestamptz in UTC).
    static func postgresTimestamp(micros: Int64, withZone: Bool) -> String {
        var text = Timestamp.rfc3339(micros: micros)
        text.removeLast() // Z
        text = text.replacingOccurrences(of: "T", with: " ")
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
        }
        return withZone ? text + "+00" : text
    }
}
