import ExporterCompressor
import ParquetWriter

/// GZIP pages (`compression: gzip`): each page body one gzip member, zlib windowBits 31, as
/// Arrow writes them. Spec: https://github.com/apache/parquet-format/blob/master/Compression.md
public struct GzipPageCodec: PageCodec {
    public let level: Int32

    /// - Parameter level: 1 (fastest) to 9 (smallest), EXPORTER_GZIP_LEVEL.
    public init(level: Int32) throws {
        guard (1...9).contains(level) else { throw CompressorError.invalidLevel(level) }
        self.level = level
    }

    public var codec: CompressionCodec { .gzip }

    public func compress(_ page: [UInt8]) throws -> [UInt8] {
        try GzipMember.compress(page, level: level)
    }
}
