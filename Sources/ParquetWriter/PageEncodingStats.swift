/// How many pages of a kind used an encoding (`struct PageEncodingStats`).
///
/// Lets a reader see, without reading pages, whether every data page of a chunk is dictionary
/// encoded (Arrow then reads the column as a dictionary) or whether it fell back to PLAIN.
public struct PageEncodingStats: Sendable, Hashable, ThriftCompactStruct {
    public var pageType: PageType
    public var encoding: ParquetEncoding
    public var count: Int32

    public init(pageType: PageType, encoding: ParquetEncoding, count: Int32) {
        self.pageType = pageType
        self.encoding = encoding
        self.count = count
    }

    public func writeFields(to writer: inout ThriftCompactWriter) {
        writer.writeField(1, i32: pageType.rawValue)
        writer.writeField(2, i32: encoding.rawValue)
        writer.writeField(3, i32: count)
    }
}
