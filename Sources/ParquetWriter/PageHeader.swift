/// The Thrift header in front of every page (`struct PageHeader`).
///
/// Sizes exclude the header itself; `compressedPageSize` is what follows the header in the file.
/// No CRC is written (the field is optional and S3 uploads carry their own checksums).
public struct PageHeader: Sendable, Hashable, ThriftCompactStruct {
    public var type: PageType
    public var uncompressedPageSize: Int32
    public var compressedPageSize: Int32
    public var dataPageHeader: DataPageHeader?
    public var dictionaryPageHeader: DictionaryPageHeader?

    public init(
        type: PageType, uncompressedPageSize: Int32, compressedPageSize: Int32,
        dataPageHeader: DataPageHeader? = nil, dictionaryPageHeader: DictionaryPageHeader? = nil
    ) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
        self.dataPageHeader = dataPageHeader
        self.dictionaryPageHeader = dictionaryPageHeader
    }

    public func writeFields(to writer: inout ThriftCompactWriter) {
        writer.writeField(1, i32: type.rawValue)
        writer.writeField(2, i32: uncompressedPageSize)
        writer.writeField(3, i32: compressedPageSize)
        if let dataPageHeader { writer.writeField(5, struct: dataPageHeader) }
        if let dictionaryPageHeader { writer.writeField(7, struct: dictionaryPageHeader) }
    }
}
