/// The header of a data page v1 (`struct DataPageHeader`).
///
/// v1 rather than v2 because every reader (including fastparquet and old Hive/Athena engines)
/// reads it; its definition levels are RLE with a 4-byte length prefix inside the page body.
/// `numValues` counts NULLs too. Page-level statistics are left out: engines prune on the column
/// chunk's statistics.
public struct DataPageHeader: Sendable, Hashable, ThriftCompactStruct {
    public var numValues: Int32
    public var encoding: ParquetEncoding
    public var definitionLevelEncoding: ParquetEncoding
    public var repetitionLevelEncoding: ParquetEncoding

    public init(
        numValues: Int32, encoding: ParquetEncoding,
        definitionLevelEncoding: ParquetEncoding = .rle, repetitionLevelEncoding: ParquetEncoding = .rle
    ) {
        self.numValues = numValues
        self.encoding = encoding
        self.definitionLevelEncoding = definitionLevelEncoding
        self.repetitionLevelEncoding = repetitionLevelEncoding
    }

    public func writeFields(to writer: inout ThriftCompactWriter) {
        writer.writeField(1, i32: numValues)
        writer.writeField(2, i32: encoding.rawValue)
        writer.writeField(3, i32: definitionLevelEncoding.rawValue)
        writer.writeField(4, i32: repetitionLevelEncoding.rawValue)
    }
}
