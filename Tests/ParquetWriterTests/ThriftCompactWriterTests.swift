@testable import ParquetWriter
import Testing

/// The compact protocol's bytes, written out by hand from the Thrift compact spec and
/// parquet.thrift's field ids, compared byte for byte.
struct ThriftCompactWriterTests {
    /// version 1 (i32 zigzag 2); schema list of 2 structs; num_rows 0; empty row_groups list;
    /// created_by "x"; column_orders [TYPE_ORDER] (a union holding an empty struct).
    @Test func smallFileMetaDataMatchesHandEncodedBytes() {
        let metadata = FileMetaData(
            version: 1,
            schema: [
                SchemaElement(name: "schema", numChildren: 1),
                SchemaElement(type: .int64, repetitionType: .optional, name: "a"),
            ],
            numRows: 0, rowGroups: [], createdBy: "x", columnOrders: [.typeDefinedOrder])
        let expected = hex("""
            15 02
            19 2C
               48 06 73 63 68 65 6d 61  15 02  00
               15 04  25 02  18 01 61  00
            16 00
            19 0C
            28 01 78
            19 1C  1C 00 00
            00
            """)
        #expect(hexString(ThriftCompactWriter.serialize(metadata)) == hexString(expected))
    }

    @Test func statisticsWithBooleansAndNegativeNumbers() {
        let statistics = Statistics(
            nullCount: -1, maxValue: [0xFF], minValue: [], isMaxValueExact: true, isMinValueExact: false)
        // 3: i64 -1 -> zigzag 1; 5: binary delta 2; 6: binary; 7: bool true (type 1); 8: bool false (type 2).
        let expected = hex("36 01  28 01 FF  18 00  11  12  00")
        #expect(ThriftCompactWriter.serialize(statistics) == expected)
    }

    @Test func longFieldIdDeltaUsesTheLongForm() {
        struct Sparse: ThriftCompactStruct {
            func writeFields(to writer: inout ThriftCompactWriter) {
                writer.writeField(1, i32: 150)
                writer.writeField(20, i64: -64)
            }
        }
        // 150 -> zigzag 300 -> varint AC 02; field 20: type byte 06 then zigzag(20) = 40 = 0x28.
        #expect(ThriftCompactWriter.serialize(Sparse()) == hex("15 AC 02  06 28 7F  00"))
    }

    @Test func listsOfFifteenOrMoreCarryTheirSizeAsAVarint() {
        struct Numbers: ThriftCompactStruct {
            let values: [Int32]
            func writeFields(to writer: inout ThriftCompactWriter) { writer.writeField(1, i32List: values) }
        }
        let fifteen = Array(repeating: Int32(0), count: 15)
        #expect(ThriftCompactWriter.serialize(Numbers(values: fifteen)) == [0x19, 0xF5, 0x0F] + fifteen.map { _ in 0 } + [0])
        #expect(ThriftCompactWriter.serialize(Numbers(values: [1, -1])) == hex("19 25 02 01 00"))
    }

    @Test func logicalTypesAsUnions() {
        // TIMESTAMP is field 8 of LogicalType: TimestampType{1: bool true, 2: TimeUnit{2: MICROS{}}}.
        #expect(ThriftCompactWriter.serialize(LogicalType.timestamp(isAdjustedToUTC: true, unit: .micros))
            == hex("8C  11  1C 2C 00 00  00  00"))
        // DECIMAL is field 5: DecimalType{1: scale, 2: precision}.
        #expect(ThriftCompactWriter.serialize(LogicalType.decimal(precision: 38, scale: 10))
            == hex("5C  15 14  15 4C  00  00"))
        #expect(ThriftCompactWriter.serialize(LogicalType.string) == hex("1C 00 00"))
        // JSON is field 12.
        #expect(ThriftCompactWriter.serialize(LogicalType.json) == hex("CC 00 00"))
    }

    @Test func pageHeaderOfADataPage() {
        let header = PageHeader(
            type: .dataPage, uncompressedPageSize: 100, compressedPageSize: 100,
            dataPageHeader: DataPageHeader(numValues: 3, encoding: .rleDictionary))
        // 1: 0; 2: 100 -> C8 01; 3: same; 5: struct (delta 2) {1: 3->06, 2: 8->10, 3: 3->06, 4: 3->06}.
        #expect(ThriftCompactWriter.serialize(header)
            == hex("15 00  15 C8 01  15 C8 01  2C 15 06 15 10 15 06 15 06 00  00"))
    }
}
