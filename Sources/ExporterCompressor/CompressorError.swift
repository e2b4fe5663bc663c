/// Why a compressor could not be made.
public enum CompressorError: Error, CustomStringConvertible, Equatable {
    /// gzip levels are 1 (fastest) to 9 (smallest).
    case invalidLevel(Int32)

    public var description: String {
        switch self {
        case .invalidLevel(let level): "gzip level \(level) is not between 1 (fastest) and 9 (smallest)"
        }
    }
}
