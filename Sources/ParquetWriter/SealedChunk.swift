/// A closed column chunk whose pages wait for compression: what ``ColumnChunkWriter/seal(output:)``
/// returns, laid out in the file once its pages are compressed.
struct SealedChunk: Sendable {
    let columnName: String
    /// The dictionary page (when ``hasDictionary``), then the data pages, uncompressed.
    var pages: [PendingPage]

    /// The bodies of the pages not compressed yet, in order.
    var uncompressedBodies: [[UInt8]] { pages.compactMap { $0.compressed == nil ? $0.body : nil } }

    /// Stores the compressed forms of ``uncompressedBodies`` (in their order) and drops the bodies.
    mutating func store(compressed: ArraySlice<[UInt8]>) {
        var next = compressed.startIndex
        for index in pages.indices where pages[index].compressed == nil {
            pages[index].compressed = compressed[next]
            pages[index].body = []
            next += 1
        }
    }
    let hasDictionary: Bool
    /// Everything but the sizes and offsets, which follow from the compressed pages.
    var metaData: ColumnMetaData

    /// The chunk's bytes at file offset `start`, each page its header (sizes filled in) then its
    /// compressed body, and its complete metadata.
    /// Every page must be compressed (``store(compressed:)``) first.
    func layout(at start: Int64) throws(ParquetWriterError) -> (parts: [[UInt8]], metaData: ColumnMetaData) {
        var parts: [[UInt8]] = []
        parts.reserveCapacity(pages.count * 2)
        var firstPageBytes = 0
        var uncompressedTotal: Int64 = 0
        var compressedTotal: Int64 = 0
        for page in pages {
            guard let body = page.compressed else {
                throw .compressionFailed(codec: metaData.codec, message: "a page of column \(columnName) was not compressed")
            }
            guard body.count <= Int(Int32.max) else { throw .valueTooLarge(column: columnName, bytes: body.count) }
            var header = page.header
            header.uncompressedPageSize = Int32(page.uncompressedSize)
            header.compressedPageSize = Int32(body.count)
            let headerBytes = ThriftCompactWriter.serialize(header)
            if parts.isEmpty { firstPageBytes = headerBytes.count + body.count }
            uncompressedTotal += Int64(headerBytes.count + page.uncompressedSize)
            compressedTotal += Int64(headerBytes.count + body.count)
            // Header and body as two parts: the body is handed on as compressed, never copied.
            parts.append(headerBytes)
            parts.append(body)
        }
        var metaData = metaData
        metaData.totalUncompressedSize = uncompressedTotal
        metaData.totalCompressedSize = compressedTotal
        metaData.dictionaryPageOffset = hasDictionary ? start : nil
        metaData.dataPageOffset = start + Int64(hasDictionary ? firstPageBytes : 0)
        return (parts, metaData)
    }
}
