import CZstd

/// Compresses whole buffers into single zstd frames (RFC 8878) on the calling thread, reusing
/// one compression context: what a Parquet ZSTD page needs (one frame per page body, content
/// size in the header, no checksum), and what ``ZstdCompressor/compress(_:level:)`` does once.
///
/// Why a context kept: `ZSTD_compress` builds and frees over a MiB of tables per call, which
/// at about one page per MiB of data would double the cost of compressing it.
///
/// `@unchecked Sendable`: it holds a C context that is used by one caller at a time (one Parquet
/// file writer, which its export task and the event loop hand over in order, never at once).
public final class ZstdFrameCompressor: @unchecked Sendable {
    private let context: OpaquePointer
    public let level: Int32

    public init(level: Int32 = ZstdCompressor.defaultLevel) throws(ZstdError) {
        guard ZstdCompressor.levels.contains(level) else { throw .invalidLevel(level) }
        guard let context = ZSTD_createCCtx() else { throw .contextUnavailable }
        self.context = context
        self.level = level
    }

    deinit {
        ZSTD_freeCCtx(context)
    }

    /// `bytes` as one zstd frame. Blocking, about a millisecond per 256 KiB at level 3.
    public func compress(_ bytes: [UInt8]) throws(ZstdError) -> [UInt8] {
        let bound = ZSTD_compressBound(bytes.count)
        if ZSTD_isError(bound) != 0 { throw .compressionFailed(zstdError: zstdErrorName(bound)) }
        var result = 0
        let compressed = bytes.withUnsafeBytes { source in
            [UInt8](unsafeUninitializedCapacity: bound) { destination, initialized in
                result = ZSTD_compressCCtx(context, destination.baseAddress, bound, source.baseAddress, source.count, level)
                initialized = ZSTD_isError(result) != 0 ? 0 : result
            }
        }
        if ZSTD_isError(result) != 0 { throw .compressionFailed(zstdError: zstdErrorName(result)) }
        return compressed
    }
}
