/// What a reader needs to find and decode one column chunk (`struct ColumnMetaData`).
///
/// `numValues` counts NULLs; the sizes include the page headers; `dictionaryPageOffset` is set
/// only when the chunk has a dictionary page (some readers seek to it whenever it is present).
/// Spec: parquet.thrift `struct ColumnMetaData`.
public struct ColumnMetaData: Sendable, Hashable, ThriftCompactStruct {
    public var type: ParquetPhysicalType
    public var encodings: [ParquetEncoding]
    public var pathInSchema: [String]
    public var codec: CompressionCodec
    public var numValues: Int64
    public var totalUncompressedSize: Int64
    public var totalCompressedSize: Int64
    public var keyValueMetadata: [KeyValue]?
    public var dataPageOffset: Int64
    public var dictionaryPageOffset: Int64?
    public var statistics: Statistics?
    public var encodingStats: [PageEncodingStats]?

    public init(
        type: ParquetPhysicalType, encodings: [ParquetEncoding], pathInSchema: [String], codec: CompressionCodec,
        numValues: Int64, totalUncompressedSize: Int64, totalCompressedSize: Int64,
        keyValueMetadata: [KeyValue]? = nil, dataPageOffset: Int64, dictionaryPageOffset: Int64? = nil,
        statistics: Statistics? = nil, encodingStats: [PageEncodingStats]? = nil
    ) {
        self.type = type
        self.encodings = encodings
        self.pathInSchema = pathInSchema
        self.codec = codec
        self.numValues = numValues
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.keyValueMetadata = keyValueMetadata
        self.dataPageOffset = dataPageOffset
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
        self.encodingStats = encodingStats
    }

    public func writeFields(to writer: inout ThriftCompactWriter) {
        writer.writeField(1, i32: type.rawValue)
        writer.writeField(2, i32List: encodings.map(\.rawValue))
        writer.writeField(3, stringList: pathInSchema)
        writer.writeField(4, i32: codec.rawValue)
        writer.writeField(5, i64: numValues)
        writer.writeField(6, i64: totalUncompressedSize)
        writer.writeField(7, i64: totalCompressedSize)
        if let keyValueMetadata { writer.writeField(8, list: keyValueMetadata) }
        writer.writeField(9, i64: dataPageOffset)
        if let dictionaryPageOffset { writer.writeField(11, i64: dictionaryPageOffset) }
        if let statistics { writer.writeField(12, struct: statistics) }
        if let encodingStats { writer.writeField(13, list: encodingStats) }
    }
}
