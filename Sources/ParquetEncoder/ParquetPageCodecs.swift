import ExporterCore
import ParquetWriter

/// The page codec a connection's `compression` names for Parquet (DESIGN §5a): the same
/// setting that wraps a text file names the codec inside each page here.
public enum ParquetPageCodecs {
    public static func codec(for compression: CompressionSetting, gzipLevel: Int32, zstdLevel: Int32) throws -> any PageCodec {
        switch compression {
        case .gzip: try GzipPageCodec(level: gzipLevel)
        case .zstd: try ZstdPageCodec(level: zstdLevel)
        case .none: UncompressedPageCodec()
        }
    }
}
