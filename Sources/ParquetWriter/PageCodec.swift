/// Compresses one page body for a column chunk.
///
/// Injected by the caller so this target needs no compression library: the engine plugs in GZIP
/// (an RFC 1952 member per page, zlib windowBits 31, as Arrow writes it) and ZSTD; the writer
/// itself ships only ``UncompressedPageCodec``. Called once per page (about 1 MiB), never per
/// value, so an allocation per call is fine; called from several threads at once for the pages
/// of one row group (``PageCompression``), so an implementation must be safe to share.
/// Spec: https://github.com/apache/parquet-format/blob/master/Compression.md
public protocol PageCodec: Sendable {
    /// The codec recorded in each ColumnMetaData.
    var codec: CompressionCodec { get }
    /// The compressed form of one page body (everything after the page header).
    func compress(_ page: [UInt8]) throws -> [UInt8]
}

/// Pages stored as they are (`compression: none`).
public struct UncompressedPageCodec: PageCodec {
    public init() {}
    public var codec: CompressionCodec { .uncompressed }
    public func compress(_ page: [UInt8]) -> [UInt8] { page }
}
