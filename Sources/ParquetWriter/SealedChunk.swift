/// A closed column chunk whose pages wait for compression: what ``ColumnChunkWriter/seal(output:)``
/// returns, laid out in the file once its pages are compressed.
struct SealedChunk: Sendable {
    let columnName: String
    /// The dictionary page (when ``hasDictionary``), then the data pages, uncompressed.
    var pages: [PendingPage]
    let hasDictionary: Bool
    /// Everything but the sizes and offsets, which follow from the compressed pages.
    var metaData: ColumnMetaData

    /// The chunk's bytes at file offset `start`, each page its header (sizes filled in) followed
    /// by its compressed body, and its complete metadata.
    /// - Parameter compressed: the compressed body of each of ``pages``, in order.
    func layout(compressed: ArraySlice<[UInt8]>, at start: Int64)
        throws(ParquetWriterError) -> (parts: [[UInt8]], metaData: ColumnMetaData)
    {
        var parts: [[UInt8]] = []
        parts.reserveCapacity(pages.count)
        var uncompressedTotal: Int64 = 0
        var compressedTotal: Int64 = 0
        for (page, body) in zip(pages, compressed) {
            guard body.count <= Int(Int32.max) else { throw .valueTooLarge(column: columnName, bytes: body.count) }
            var header = page.header
            header.uncompressedPageSize = Int32(page.body.count)
            header.compressedPageSize = Int32(body.count)
            let headerBytes = ThriftCompactWriter.serialize(header)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(headerBytes.count + body.count)
            bytes.append(contentsOf: headerBytes)
            bytes.append(contentsOf: body)
            uncompressedTotal += Int64(headerBytes.count + page.body.count)
            compressedTotal += Int64(bytes.count)
            parts.append(bytes)
        }
        var metaData = metaData
        metaData.totalUncompressedSize = uncompressedTotal
        metaData.totalCompressedSize = compressedTotal
        metaData.dictionaryPageOffset = hasDictionary ? start : nil
        metaData.dataPageOffset = start + Int64(hasDictionary ? (parts.first?.count ?? 0) : 0)
        return (parts, metaData)
    }
}
