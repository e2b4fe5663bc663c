@testable import ParquetWriter
import Testing

/// Whole column chunks written out by hand from the spec: page header (Thrift compact), data
/// page v1 body (4-byte length, RLE/bit-packed definition levels, values), dictionary page.
struct PageLayoutTests {
    let options = ParquetWriterOptions(createdBy: "test version 1 (build 1)")

    /// The bytes of the first (and only) row group, after the leading magic.
    func rowGroupBytes(_ columns: [ParquetColumn], _ rows: (inout ParquetFileWriter) throws -> Void) throws -> [UInt8] {
        var writer = try ParquetFileWriter(columns: columns, options: options)
        try rows(&writer)
        try writer.closeRowGroup()
        let taken = writer.takeSegment()
        let segment = try #require(taken)
        return Array(segment.bytes.dropFirst(4))
    }

    @Test func anOptionalInt64Chunk() throws {
        let bytes = try rowGroupBytes([ParquetColumn(name: "a", type: .int64)]) { writer in
            try writer.append(Int64(1)); try writer.endRow()
            try writer.appendNull(); try writer.endRow()
            try writer.append(Int64(3)); try writer.endRow()
        }
        // PageHeader{type DATA_PAGE, sizes 22, DataPageHeader{3 values, PLAIN, RLE, RLE}}
        let header = hex("15 00  15 2C  15 2C  2C 15 06 15 00 15 06 15 06 00  00")
        // levels 1,0,1: one bit-packed group (03) = 0b101, prefixed by their length 2.
        let body = hex("02000000 03 05") + PlainEncoder.encode(int64: 1) + PlainEncoder.encode(int64: 3)
        #expect(hexString(bytes) == hexString(header + body))
    }

    @Test func aDictionaryEncodedStringChunk() throws {
        let bytes = try rowGroupBytes([ParquetColumn(name: "s", type: .string)]) { writer in
            for value in ["a", "b", "a"] { try writer.append(value); try writer.endRow() }
            try writer.appendNull(); try writer.endRow()
        }
        // Dictionary page first: PageHeader{DICTIONARY_PAGE, 10, 10, 7: {2 values, PLAIN}}.
        let dictionaryHeader = hex("15 04  15 14  15 14  4C 15 04 15 00 00  00")
        let dictionary = hex("01000000 61  01000000 62")
        // Data page: PageHeader{DATA_PAGE, 9, 9, {4 values, RLE_DICTIONARY, RLE, RLE}}.
        let dataHeader = hex("15 00  15 12  15 12  2C 15 08 15 10 15 06 15 06 00  00")
        // levels 1,1,1,0 -> 03 07 (length 2); bit width 1; indices 0,1,0 -> 03 02.
        let data = hex("02000000 03 07  01  03 02")
        #expect(hexString(bytes) == hexString(dictionaryHeader + dictionary + dataHeader + data))
    }

    @Test func booleansAndDecimalsInOnePage() throws {
        let bytes = try rowGroupBytes([
            ParquetColumn(name: "b", type: .boolean),
            ParquetColumn(name: "d", type: .decimal(precision: 4, scale: 1)),
        ]) { writer in
            try writer.append(true); try writer.append(decimalUnscaled: -15); try writer.endRow()
            try writer.append(false); try writer.appendNull(); try writer.endRow()
        }
        // b: levels 1,1 -> 03 03; values true,false bit-packed -> 01. Body 7 bytes.
        let boolean = hex("15 00 15 0E 15 0E 2C 15 04 15 00 15 06 15 06 00 00") + hex("02000000 03 03  01")
        // d: INT32 decimal, levels 1,0 -> 03 01; -15 little endian. Body 10 bytes.
        let decimal = hex("15 00 15 14 15 14 2C 15 04 15 00 15 06 15 06 00 00") + hex("02000000 03 01  F1FFFFFF")
        #expect(hexString(bytes) == hexString(boolean + decimal))
    }
}
