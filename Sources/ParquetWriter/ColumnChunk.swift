/// One column's slice of a row group (`struct ColumnChunk`).
///
/// `fileOffset` is the deprecated pointer to an out-of-footer ColumnMetaData; the spec asks
/// writers that keep all metadata in the footer (as this one does) to write 0.
public struct ColumnChunk: Sendable, Hashable, ThriftCompactStruct {
    public var fileOffset: Int64
    public var metaData: ColumnMetaData

    public init(fileOffset: Int64 = 0, metaData: ColumnMetaData) {
        self.fileOffset = fileOffset
        self.metaData = metaData
    }

    public func writeFields(to writer: inout ThriftCompactWriter) {
        writer.writeField(2, i64: fileOffset)
        writer.writeField(3, struct: metaData)
    }
}
