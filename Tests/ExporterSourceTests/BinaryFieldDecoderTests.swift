import ExporterCore
import ExporterSource
import NIOCore
import Testing

/// Tuples the decoder must refuse, each with a message naming the column and its type, never the
/// value. (Good values: BinaryCopyFixtureTests, on PostgreSQL's own bytes.)
struct BinaryFieldDecoderTests {
    static func tuple(_ fields: [[UInt8]?]) -> ByteBuffer {
        BinaryCopyReaderTests.tuple(fields)
    }

    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// `numeric_send` bytes.
    static func numeric(ndigits: Int16, weight: Int16, sign: UInt16, dscale: Int16, digits: [Int16]) -> [UInt8] {
        bigEndian(ndigits) + bigEndian(weight) + bigEndian(sign) + bigEndian(dscale) + digits.flatMap { bigEndian($0) }
    }

    /// The values of `tuple`, or the message of the ExportError it threw.
    static func decode(_ tuple: ByteBuffer, _ columns: [(name: String, type: PostgresWireType)]) -> Result<[String], ExportError> {
        var decoder = BinaryFieldDecoder(columns: columns)
        var values: [String] = []
        do {
            try decoder.forEachField(of: tuple) { value in
                values.append(BinaryCopyFixtureTests.described(value, type: .text).text ?? "NULL")
            }
            return .success(values)
        } catch let error as ExportError {
            return .failure(error)
        } catch {
            Issue.record("unexpected error \(error)")
            return .failure(.internal("\(error)"))
        }
    }

    static func failure(_ tuple: ByteBuffer, _ columns: [(name: String, type: PostgresWireType)]) -> String? {
        guard case .failure(let error) = decode(tuple, columns) else { return nil }
        #expect(error.code == "database")
        return error.message
    }

    @Test func theFieldCountMustMatchTheColumns() {
        let message = Self.failure(Self.tuple([[1], [0]]), [("a", .bool), ("b", .bool), ("c", .bool)])
        #expect(message == "a row of the binary COPY stream has 2 fields, but the query selects 3 columns")
    }

    @Test func aWellFormedTupleDecodes() {
        let digits = Self.numeric(ndigits: 2, weight: 0, sign: 0x4000, dscale: 2, digits: [12, 3400])
        let result = Self.decode(Self.tuple([digits, nil, Self.bigEndian(Int32(-5))]),
                                 [("amount", .numeric), ("note", .text), ("n", .int4)])
        #expect(result == .success(["-12.34", "NULL", "-5"]))
    }

    @Test func malformedNumericsNameTheColumnAndType() {
        let columns: [(name: String, type: PostgresWireType)] = [("amount", .numeric)]
        let expected = "column amount has a malformed numeric value"
        // An unknown sign.
        #expect(Self.failure(Self.tuple([Self.numeric(ndigits: 1, weight: 0, sign: 0x1234, dscale: 0, digits: [1])]), columns) == expected)
        // A base-10000 digit out of range.
        #expect(Self.failure(Self.tuple([Self.numeric(ndigits: 1, weight: 0, sign: 0, dscale: 0, digits: [10_000])]), columns) == expected)
        // More digits than declared, fewer, a negative count, a header cut short.
        #expect(Self.failure(Self.tuple([Self.numeric(ndigits: 1, weight: 0, sign: 0, dscale: 0, digits: [1, 2])]), columns) == expected)
        #expect(Self.failure(Self.tuple([Self.numeric(ndigits: 2, weight: 0, sign: 0, dscale: 0, digits: [1])]), columns) == expected)
        #expect(Self.failure(Self.tuple([Self.numeric(ndigits: -1, weight: 0, sign: 0, dscale: 0, digits: [])]), columns) == expected)
        #expect(Self.failure(Self.tuple([[0, 1, 0]]), columns) == expected)
    }

    @Test func fixedSizeValuesMustHaveTheirSize() {
        // A column whose declared type does not match what the server sends is caught, not misread.
        #expect(Self.failure(Self.tuple([Self.bigEndian(Int64(1))]), [("n", .int4)]) == "column n has a malformed int4 value")
        #expect(Self.failure(Self.tuple([[]]), [("flag", .bool)]) == "column flag has a malformed bool value")
        #expect(Self.failure(Self.tuple([[0, 0, 0]]), [("day", .date)]) == "column day has a malformed date value")
        #expect(Self.failure(Self.tuple([[1, 2]]), [("at", .timestamptz)]) == "column at has a malformed timestamptz value")
        #expect(Self.failure(Self.tuple([[1, 2, 3, 4, 5]]), [("x", .float4)]) == "column x has a malformed float4 value")
    }

    @Test func theMessageNeverHoldsTheValue() throws {
        let secret = Array("SECRET-SECRET-S".utf8) // 15 bytes: not a UUID
        let message = try #require(Self.failure(Self.tuple([secret]), [("token", .uuid)]))
        #expect(message == "column token has a malformed uuid value")
        #expect(!message.contains("SECRET"))
    }

    @Test func anUnknownJSONBVersionIsNamed() {
        #expect(Self.failure(Self.tuple([[2, 0x7B, 0x7D]]), [("metadata", .jsonb)])
            == "column metadata has a jsonb value of version 2, the exporter reads version 1")
        #expect(Self.failure(Self.tuple([[]]), [("metadata", .jsonb)])
            == "column metadata has a jsonb value of version (none), the exporter reads version 1")
    }

    @Test func aTimestampBeyondSixtyFourBitsOfUnixMicrosecondsIsRefused() {
        // PostgreSQL's last timestamps (year 294276) do not fit after moving the epoch to 1970.
        let late = Self.bigEndian(Int64.max - 1)
        #expect(Self.failure(Self.tuple([late]), [("ends_at", .timestamptz)])
            == "column ends_at has a timestamptz value after the year 294246, which the exporter cannot write")
    }

    @Test func aTupleCutShortNamesTheColumn() {
        var cut = ByteBuffer()
        cut.writeInteger(Int16(2))
        cut.writeInteger(Int32(1))
        cut.writeInteger(UInt8(1))
        cut.writeInteger(Int32(10))
        cut.writeBytes([1, 2, 3])
        #expect(Self.failure(cut, [("a", .bool), ("name", .text)]) == "a row of the binary COPY stream ends inside column name (text)")
        #expect(Self.failure(ByteBuffer(bytes: [0]), [("a", .bool)]) == "a row of the binary COPY stream ends before its field count")
        var noLength = ByteBuffer()
        noLength.writeInteger(Int16(1))
        noLength.writeBytes([0, 0])
        #expect(Self.failure(noLength, [("a", .bool)]) == "a row of the binary COPY stream ends inside column a (bool)")
    }

    @Test func bytesAfterTheLastFieldAreRefused() {
        var tuple = Self.tuple([[1]])
        tuple.writeBytes([0, 0, 0])
        #expect(Self.failure(tuple, [("a", .bool)]) == "a row of the binary COPY stream has 3 bytes after its last field")
    }

    @Test func aNegativeLengthOtherThanNullIsRefused() {
        var tuple = ByteBuffer()
        tuple.writeInteger(Int16(1))
        tuple.writeInteger(Int32(-3))
        #expect(Self.failure(tuple, [("qty", .numeric)])
            == "column qty (numeric) has a field length of -3 bytes in the binary COPY stream; only NULL is negative (-1)")
    }

    @Test func anErrorFromTheFieldHandlerPassesThrough() {
        struct Stop: Error {}
        var decoder = BinaryFieldDecoder(columns: [("a", .bool)])
        #expect(throws: Stop.self) {
            try decoder.forEachField(of: Self.tuple([[1]])) { _ in throw Stop() }
        }
    }
}
