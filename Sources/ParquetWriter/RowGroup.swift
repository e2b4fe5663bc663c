/// One horizontal slice of the file (`struct RowGroup`).
///
/// `totalByteSize` sums the chunks' uncompressed sizes, `totalCompressedSize` their sizes on disk
/// and `fileOffset` is the first page of the first chunk: readers that split files by byte range
/// (Spark, Trino) assign row groups with these.
public struct RowGroup: Sendable, Hashable, ThriftCompactStruct {
    public var columns: [ColumnChunk]
    public var totalByteSize: Int64
    public var numRows: Int64
    public var fileOffset: Int64?
    public var totalCompressedSize: Int64?
    public var ordinal: Int16?

    public init(
        columns: [ColumnChunk], totalByteSize: Int64, numRows: Int64,
        fileOffset: Int64? = nil, totalCompressedSize: Int64? = nil, ordinal: Int16? = nil
    ) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
        self.fileOffset = fileOffset
        self.totalCompressedSize = totalCompressedSize
        self.ordinal = ordinal
    }

    public func writeFields(to writer: inout ThriftCompactWriter) {
        writer.writeField(1, list: columns)
        writer.writeField(2, i64: totalByteSize)
        writer.writeField(3, i64: numRows)
        if let fileOffset { writer.writeField(5, i64: fileOffset) }
        if let totalCompressedSize { writer.writeField(6, i64: totalCompressedSize) }
        if let ordinal {
            writer.writeFieldHeader(7, .i16)
            writer.writeVarint(ThriftCompactWriter.zigzag(Int64(ordinal)))
        }
    }
}
