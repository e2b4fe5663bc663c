import ExporterCore
import NIOCore

/// A piece of a file's bytes, as an encoder hands it from the reading stage to the writing
/// stage. `endsFile` marks the last piece of a file that is followed by another (a rollover).
public struct EncodedSegment: Sendable {
    public var bytes: ByteBuffer
    public var rows: Int
    public var endsFile: Bool
    /// The whole file's statistics (a Delta `add` action's `stats`), on the last segment of each
    /// file an encoder that knows them writes: the Parquet encoder sets them on a rollover's
    /// `endsFile` segment and on the final segment of `finish()`. nil on every other segment, and
    /// always nil from the text encoders.
    public var statistics: FileStatistics?

    public init(bytes: ByteBuffer, rows: Int, endsFile: Bool, statistics: FileStatistics? = nil) {
        self.bytes = bytes
        self.rows = rows
        self.endsFile = endsFile
        self.statistics = statistics
    }
}
