/// The header of a dictionary page (`struct DictionaryPageHeader`): the PLAIN-encoded distinct
/// values a column chunk's RLE_DICTIONARY data pages index into.
public struct DictionaryPageHeader: Sendable, Hashable, ThriftCompactStruct {
    public var numValues: Int32
    public var encoding: ParquetEncoding

    public init(numValues: Int32, encoding: ParquetEncoding = .plain) {
        self.numValues = numValues
        self.encoding = encoding
    }

    public func writeFields(to writer: inout ThriftCompactWriter) {
        writer.writeField(1, i32: numValues)
        writer.writeField(2, i32: encoding.rawValue)
    }
}
