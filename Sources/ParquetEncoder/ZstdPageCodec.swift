import ExporterCompressor
import ParquetWriter

/// ZSTD pages (`compression: zstd`): each page body one zstd frame (RFC 8878), through one
/// context kept for the file writer's life.
/// Spec: https://github.com/apache/parquet-format/blob/master/Compression.md
public struct ZstdPageCodec: PageCodec {
    private let frames: ZstdFrameCompressor

    /// - Parameter level: 1 (fastest) to 19 (smallest), EXPORTER_ZSTD_LEVEL.
    public init(level: Int32) throws {
        frames = try ZstdFrameCompressor(level: level)
    }

    public var codec: CompressionCodec { .zstd }

    public func compress(_ page: [UInt8]) throws -> [UInt8] {
        try frames.compress(page)
    }
}
