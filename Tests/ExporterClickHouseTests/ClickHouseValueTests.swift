@testable import ExporterClickHouse
import ExporterCore
import NIOCore
import Testing

/// The pieces of a value's rendering, with exact expected text.
struct ClickHouseValueTests {
    static func rendered(_ body: (inout RawByteWriter) -> Void) -> String {
        var buffer = ByteBuffer()
        buffer.writeWithRawByteWriter(body)
        return String(buffer: buffer)
    }

    @Test(arguments: [
        (Int128(0), 0, "0"), (Int128(0), 8, "0.00000000"), (Int128(150_000_000), 8, "1.50000000"), (Int128(-1), 8, "-0.00000001"),
        (Int128(-1), 15, "-0.000000000000001"), (Int128(Int64.max), 0, "9223372036854775807"),
        (Int128("9999999999999999999999999")!, 15, "9999999999.999999999999999"),
        (Int128("-99999999999999999999999999999999999999")!, 38, "-0.99999999999999999999999999999999999999"),
        (Int128("12345678901234567890123456789012345678")!, 2, "123456789012345678901234567890123456.78"),
        (Int128("1000000000000000000")!, 0, "1000000000000000000"),
        (Int128("1000000000000000000000000000000000000")!, 0, "1000000000000000000000000000000000000"),
    ])
    func decimalsAreExact(unscaled: Int128, scale: Int, text: String) {
        #expect(Self.rendered { ClickHouseValue.writeDecimal(unscaled, scale: scale, into: &$0) } == text)
    }

    @Test func dateTime64PastMicrosecondsKeepsItsDigits() {
        #expect(Self.rendered { ClickHouseValue.writeDateTime64(ticks: 1_795_170_600_123_456_789, precision: 9, into: &$0) }
            == "2026-11-20T10:30:00.123456789Z")
        #expect(Self.rendered { ClickHouseValue.writeDateTime64(ticks: -1, precision: 7, into: &$0) }
            == "1969-12-31T23:59:59.9999999Z")
    }

    @Test func uuidHalvesAreLittleEndian() {
        // 61f0c404-5cb3-11e7-907b-a6006ad3dba0 as RowBinary sends it.
        let bytes: [UInt8] = [0xe7, 0x11, 0xb3, 0x5c, 0x04, 0xc4, 0xf0, 0x61, 0xa0, 0xdb, 0xd3, 0x6a, 0x00, 0xa6, 0x7b, 0x90]
        let text = bytes.withUnsafeBytes { raw in Self.rendered { ClickHouseValue.writeUUID(raw, into: &$0) } }
        #expect(text == "61f0c404-5cb3-11e7-907b-a6006ad3dba0")
    }

    @Test(arguments: [
        (#"{"a": {"b": [1, "x, y"]}}"#, true), ("{}", true), ("[]", true), ("  null ", true), ("-0.5e+10", true),
        (#""\u00e9\n""#, true), ("", false), ("not json {", false), ("{", false), (#"{"a": 1,}"#, false), ("01", false),
        ("1.", false), ("\"tab\tinside\"", false), ("[1] [2]", false), (#"{"a" 1}"#, false), ("tru", false),
        (String(repeating: "[", count: 300) + String(repeating: "]", count: 300), false),
    ])
    func jsonSyntax(text: String, valid: Bool) {
        var text = text
        #expect(text.withUTF8 { JSONSyntax.isValid(UnsafeRawBufferPointer($0)) } == valid)
    }

    @Test(arguments: [
        ([0x61, 0x62], true, [0x61, 0x62]), ([0xC3, 0xBC], true, [0xC3, 0xBC]), ([0xC0, 0xAF], false, [0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD]),
        ([0xED, 0xA0, 0x80], false, [0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD]),
        ([0xF0, 0x9F, 0x9A], false, [0xEF, 0xBF, 0xBD]), ([0x61, 0xFF, 0x62], false, [0x61, 0xEF, 0xBF, 0xBD, 0x62]),
        ([0xF0, 0x9F, 0x9A, 0x80], true, [0xF0, 0x9F, 0x9A, 0x80]),
    ] as [([UInt8], Bool, [UInt8])])
    func utf8IsCheckedAndRepaired(bytes: [UInt8], valid: Bool, repaired: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            #expect(UTF8Text.isValid(raw) == valid)
            var buffer = ByteBuffer()
            buffer.writeWithRawByteWriter { UTF8Text.writeRepaired(raw, into: &$0) }
            #expect(Array(buffer.readableBytesView) == repaired)
            #expect(String(decoding: raw, as: UTF8.self).utf8.elementsEqual(repaired))
        }
    }

    @Test(arguments: [
        ("String", ClickHouseColumnType.Kind.string, false), ("LowCardinality(Nullable(String))", .string, true),
        ("Nullable(DateTime64(3, 'UTC'))", .dateTime64(precision: 3), true), ("DateTime('Europe/Berlin')", .dateTime, false),
        ("Decimal(25, 15)", .decimal(precision: 25, scale: 15), false), ("Decimal64(8)", .decimal(precision: 18, scale: 8), false),
        ("UInt64", .integer(bytes: 8, signed: false), false), ("FixedString(3)", .fixedString(3), false),
    ])
    func typesParse(declaration: String, kind: ClickHouseColumnType.Kind, nullable: Bool) throws {
        let type = try #require(ClickHouseColumnType(declaration: declaration))
        #expect(type.kind == kind)
        #expect(type.nullable == nullable)
    }

    @Test(arguments: ["Array(String)", "Map(String, String)", "Decimal(76, 10)", "Int128", "Enum8('a' = 1)", "DateTime64(10)"])
    func typesTheExporterCannotReadAreRefused(declaration: String) {
        #expect(ClickHouseColumnType(declaration: declaration) == nil)
    }

    /// Parameter values reach ClickHouse as written: TabSeparated escapes, then percent-encoding.
    @Test func parametersAreEscapedNotSpliced() {
        #expect(ClickHouseClient.escapedParameter("t' OR 1=1 --\\\t\n") == "t' OR 1=1 --\\\\\\t\\n")
        #expect(ClickHouseClient.percentEncoded("a b&c=d/ü") == "a%20b%26c%3Dd%2F%C3%BC")
    }
}
