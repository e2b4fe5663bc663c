import ExporterCompressor
import ParquetWriter
import Synchronization

/// ZSTD pages (`compression: zstd`): each page body one zstd frame (RFC 8878).
///
/// A row group's pages are compressed on several threads at once, and a zstd context serves
/// one at a time: so contexts are kept in a small pool, one per thread that ever needed one,
/// and reused for the file writer's life (making one per page would cost a MiB of tables each).
/// Spec: https://github.com/apache/parquet-format/blob/master/Compression.md
public struct ZstdPageCodec: PageCodec {
    private let contexts: ContextPool

    /// - Parameter level: 1 (fastest) to 19 (smallest), EXPORTER_ZSTD_LEVEL.
    public init(level: Int32) throws {
        contexts = ContextPool(first: try ZstdFrameCompressor(level: level))
    }

    public var codec: CompressionCodec { .zstd }

    public func compress(_ page: [UInt8]) throws -> [UInt8] {
        let context = try contexts.take()
        defer { contexts.give(context) }
        return try context.compress(page)
    }

    /// Idle contexts, shared by the threads compressing one file's pages.
    private final class ContextPool: Sendable {
        private let idle: Mutex<[ZstdFrameCompressor]>
        private let level: Int32

        init(first: ZstdFrameCompressor) {
            idle = Mutex([first])
            level = first.level
        }

        func take() throws -> ZstdFrameCompressor {
            if let context = idle.withLock({ $0.popLast() }) { return context }
            return try ZstdFrameCompressor(level: level)
        }

        func give(_ context: ZstdFrameCompressor) {
            idle.withLock { $0.append(context) }
        }
    }
}
