import Foundation

/// `_delta_log/_last_checkpoint`: where readers start, so opening a table reads one checkpoint and
/// the few commits after it, not every commit since the table began.
/// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#last-checkpoint-file
public struct DeltaLastCheckpoint: Codable, Sendable, Hashable {
    public var version: Int64
    /// The number of actions in the checkpoint.
    public var size: Int64
    public var sizeInBytes: Int64?
    public var numOfAddFiles: Int64?

    public init(version: Int64, size: Int64, sizeInBytes: Int64? = nil, numOfAddFiles: Int64? = nil) {
        self.version = version
        self.size = size
        self.sizeInBytes = sizeInBytes
        self.numOfAddFiles = numOfAddFiles
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{\"version\":\(version),\"size\":\(size)}"
    }
}
