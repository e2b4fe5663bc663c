/// Why zstd compression could not start or failed; libzstd's own error name is kept verbatim
/// (from `ZSTD_getErrorName`) so a report can be matched against zstd's documentation.
public enum ZstdError: Error, CustomStringConvertible, Equatable, Sendable {
    /// zstd levels accepted here are 1 (fastest) to 19 (smallest); 20 to 22 need more memory
    /// than an exporter should take, so they are refused.
    case invalidLevel(Int32)
    /// `ZSTD_createCCtx` returned nothing: the process is out of memory.
    case contextUnavailable
    /// libzstd refused a compression parameter (`ZSTD_CCtx_setParameter`).
    case parameterRejected(parameter: String, value: Int32, zstdError: String)
    /// A compression call failed (`ZSTD_compressStream2` or `ZSTD_compress`).
    case compressionFailed(zstdError: String)

    public var description: String {
        switch self {
        case .invalidLevel(let level):
            "zstd level \(level) is not between \(ZstdCompressor.levels.lowerBound) (fastest) and \(ZstdCompressor.levels.upperBound) (smallest)"
        case .contextUnavailable:
            "zstd could not allocate a compression context (out of memory)"
        case .parameterRejected(let parameter, let value, let zstdError):
            "zstd refused \(parameter) = \(value): \(zstdError)"
        case .compressionFailed(let zstdError):
            "zstd compression failed: \(zstdError)"
        }
    }
}
