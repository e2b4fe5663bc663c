/// The page compression codecs a column chunk may declare (`enum CompressionCodec`).
///
/// The writer itself ships only UNCOMPRESSED; GZIP and ZSTD are plugged in by the caller through
/// ``PageCodec`` so this target needs no compression library.
/// Spec: https://github.com/apache/parquet-format/blob/master/Compression.md
public enum CompressionCodec: Int32, Sendable {
    case uncompressed = 0
    case snappy = 1
    case gzip = 2
    case lzo = 3
    case brotli = 4
    case lz4 = 5
    case zstd = 6
    case lz4Raw = 7
}
