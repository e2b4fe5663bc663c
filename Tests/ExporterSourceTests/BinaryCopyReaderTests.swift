import ExporterSource
import NIOCore
import Testing

/// Every way a binary COPY stream can be wrong, each with its own error and a message that says
/// what to do; and the liberal cases that must still read.
struct BinaryCopyReaderTests {
    static let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]

    /// A header with `flags` and an extension of `extensionBytes` (declared `declared` long).
    static func header(flags: UInt32 = 0, extension extensionBytes: [UInt8] = [], declared: Int32? = nil) -> ByteBuffer {
        var buffer = ByteBuffer(bytes: signature)
        buffer.writeInteger(flags)
        buffer.writeInteger(declared ?? Int32(extensionBytes.count))
        buffer.writeBytes(extensionBytes)
        return buffer
    }

    /// One tuple: its field count, then each field (nil is NULL).
    static func tuple(_ fields: [[UInt8]?]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int16(fields.count))
        for field in fields {
            if let field {
                buffer.writeInteger(Int32(field.count))
                buffer.writeBytes(field)
            } else {
                buffer.writeInteger(Int32(-1))
            }
        }
        return buffer
    }

    static let trailer = ByteBuffer(bytes: [0xFF, 0xFF])

    static func joined(_ parts: ByteBuffer...) -> ByteBuffer {
        var buffer = ByteBuffer()
        for var part in parts { buffer.writeBuffer(&part) }
        return buffer
    }

    /// Reads `messages`, returning the error thrown (nil when none was).
    static func error(reading messages: [ByteBuffer]) -> BinaryCopyError? {
        var reader = BinaryCopyReader()
        do {
            _ = try reader.tuples(of: messages)
            return nil
        } catch let error as BinaryCopyError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    // MARK: - What must read

    @Test func tuplesAreSlicesOfTheirMessageStartingAtTheFieldCount() throws {
        let first = Self.tuple([[0x61], nil, []])
        let message = Self.joined(Self.header(), first)
        var reader = BinaryCopyReader()
        var tuples: [ByteBuffer] = []
        try reader.read(message) { tuples.append($0) }
        try #require(tuples.count == 1)
        #expect(tuples[0] == first)
        let tupleStart = tuples[0].withUnsafeReadableBytes { $0.baseAddress }
        let messageStart = message.withUnsafeReadableBytes { $0.baseAddress }
        #expect(tupleStart != nil && tupleStart == messageStart.map { $0 + 19 }, "a slice of the message's memory, not a copy")
        #expect(!reader.isFinished)
        #expect(throws: BinaryCopyError.missingTrailer(rows: 1)) { try reader.finish() }
        try reader.read(Self.trailer) { _ in Issue.record("the trailer is not a tuple") }
        #expect(reader.isFinished)
        try reader.finish()
    }

    @Test func severalTuplesInOneMessageAndAZeroFieldTupleRead() throws {
        let tuples = [Self.tuple([[1, 2, 3, 4]]), Self.tuple([]), Self.tuple([nil])]
        var reader = BinaryCopyReader()
        let read = try reader.tuples(of: [Self.joined(Self.header(), tuples[0], tuples[1]), Self.joined(tuples[2], Self.trailer)])
        #expect(read == tuples)
        #expect(reader.rows == 3)
        #expect(reader.isFinished)
    }

    @Test func aHeaderExtensionIsSkippedAndBackwardsCompatibleFlagsAreIgnored() throws {
        let row = Self.tuple([[7]])
        var reader = BinaryCopyReader()
        let read = try reader.tuples(of: [Self.joined(Self.header(flags: 0x0000_FFFF, extension: [9, 9, 9, 9, 9]), row), Self.trailer])
        #expect(read == [row])
        #expect(reader.isFinished)
    }

    @Test func aHeaderInAMessageOfItsOwnReads() throws {
        var reader = BinaryCopyReader()
        let read = try reader.tuples(of: [Self.header(), Self.tuple([nil]), Self.trailer])
        #expect(read.count == 1)
        #expect(reader.isFinished)
    }

    // MARK: - Each error

    @Test func textFormatCopyIsABadSignature() {
        let text = ByteBuffer(string: "1\thello\n")
        let error = Self.error(reading: [text])
        #expect(error == .badSignature)
        #expect(error?.description.contains("(FORMAT binary)") == true)
    }

    @Test func aHeaderCutShortIsTruncated() throws {
        let stream = try CopyStream(fixture: "wire-types")
        #expect(Self.error(reading: [stream.bytes.getSlice(at: 0, length: 15) ?? ByteBuffer()]) == .truncatedHeader(bytes: 15, needed: 19))
        #expect(Self.error(reading: [ByteBuffer()]) == .truncatedHeader(bytes: 0, needed: 19))
        #expect(Self.error(reading: [Self.header(extension: [1, 2], declared: 4)]) == .truncatedHeader(bytes: 21, needed: 23))
    }

    @Test func oidsAreRefused() {
        let error = Self.error(reading: [Self.joined(Self.header(flags: 1 << 16), Self.trailer)])
        #expect(error == .oidsIncluded)
        #expect(error?.description.contains("OIDS") == true)
    }

    @Test func anUnknownCriticalFlagIsRefused() {
        let error = Self.error(reading: [Self.joined(Self.header(flags: 1 << 17 | 1), Self.trailer)])
        #expect(error == .unknownCriticalFlags(1 << 17))
        #expect(error?.description.contains("0x20000") == true)
    }

    @Test func aNegativeHeaderExtensionIsRefused() {
        #expect(Self.error(reading: [Self.joined(Self.header(declared: -1), Self.trailer)]) == .badHeaderExtension(length: -1))
    }

    @Test func aTupleCutShortNamesItsRow() throws {
        let stream = try CopyStream(fixture: "wire-types")
        var messages = stream.serverMessages
        // The first message loses its last byte: row 1 ends inside its last field.
        let first = messages[0]
        messages[0] = first.getSlice(at: first.readerIndex, length: first.readableBytes - 1) ?? ByteBuffer()
        let error = Self.error(reading: messages)
        #expect(error == .truncatedTuple(row: 1, bytes: first.readableBytes - 1 - 19, needed: first.readableBytes - 19))
        #expect(error?.description.contains("row 1 ") == true)

        // A tuple split across two messages: the server never does that.
        let second = Self.tuple([[1, 2, 3, 4], [5, 6]])
        let split = [Self.joined(Self.header(), Self.tuple([nil])), second.getSlice(at: 0, length: 5) ?? ByteBuffer(),
                     second.getSlice(at: 5, length: second.readableBytes - 5) ?? ByteBuffer()]
        #expect(Self.error(reading: split) == .truncatedTuple(row: 2, bytes: 5, needed: 6))
        // Only one byte of a field count.
        #expect(Self.error(reading: [Self.joined(Self.header(), ByteBuffer(bytes: [0]))]) == .truncatedTuple(row: 1, bytes: 1, needed: 2))
        // A field length cut in the middle.
        #expect(Self.error(reading: [Self.joined(Self.header(), ByteBuffer(bytes: [0, 1, 0, 0]))]) == .truncatedTuple(row: 1, bytes: 4, needed: 6))
    }

    @Test func aNegativeFieldCountOtherThanTheTrailerIsRefused() {
        var bad = ByteBuffer()
        bad.writeInteger(Int16(-2))
        #expect(Self.error(reading: [Self.joined(Self.header(), Self.tuple([nil]), bad)]) == .badFieldCount(row: 2, count: -2))
    }

    @Test func aNegativeFieldLengthOtherThanNullIsRefused() {
        var bad = ByteBuffer()
        bad.writeInteger(Int16(2))
        bad.writeInteger(Int32(-1))
        bad.writeInteger(Int32(-7))
        let error = Self.error(reading: [Self.joined(Self.header(), bad)])
        #expect(error == .badFieldLength(row: 1, field: 2, length: -7))
        #expect(error?.description.contains("field 2 of row 1") == true)
    }

    @Test func dataAfterTheTrailerIsRefused() {
        #expect(Self.error(reading: [Self.joined(Self.header(), Self.trailer, ByteBuffer(bytes: [0, 0]))]) == .dataAfterTrailer(bytes: 2))
        #expect(Self.error(reading: [Self.joined(Self.header(), Self.trailer), Self.tuple([nil])]) == .dataAfterTrailer(bytes: 6))
        #expect(Self.error(reading: [Self.joined(Self.header(), Self.trailer), Self.trailer]) == .dataAfterTrailer(bytes: 2))
    }

    @Test func aStreamWithoutItsTrailerIsMissingRows() throws {
        let stream = try CopyStream(fixture: "wire-types")
        var reader = BinaryCopyReader()
        _ = try reader.tuples(of: stream.serverMessages.dropLast())
        #expect(!reader.isFinished)
        #expect(reader.rows == stream.rows)
        #expect(throws: BinaryCopyError.missingTrailer(rows: stream.rows)) { try reader.finish() }
        #expect(BinaryCopyError.missingTrailer(rows: 3).description.contains("rows may be missing"))
    }

    @Test func anErrorFromTheTupleHandlerPassesThrough() {
        struct Stop: Error {}
        var reader = BinaryCopyReader()
        #expect(throws: Stop.self) {
            try reader.read(Self.joined(Self.header(), Self.tuple([nil]))) { _ in throw Stop() }
        }
    }
}
