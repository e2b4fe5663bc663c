/// The `add` action: a data file joins the table.
///
/// `path` is relative to the table root (a URI path: this writer's file names need no escaping).
/// `stats` is the file's per-column statistics as JSON text, what engines skip files with.
/// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#add-file-and-remove-file
public struct DeltaAdd: Codable, Sendable, Hashable {
    public var path: String
    public var partitionValues: [String: String?]
    public var size: Int64
    /// When the file was written, milliseconds since the epoch.
    public var modificationTime: Int64
    public var dataChange: Bool
    public var stats: String?
    public var tags: [String: String?]?

    public init(path: String, partitionValues: [String: String?] = [:], size: Int64, modificationTime: Int64,
                dataChange: Bool = true, stats: String?, tags: [String: String?]? = nil) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.modificationTime = modificationTime
        self.dataChange = dataChange
        self.stats = stats
        self.tags = tags
    }

    /// The `remove` that retires this file at `deletionTimestamp` (ms).
    public func removed(at deletionTimestamp: Int64) -> DeltaRemove {
        DeltaRemove(path: path, deletionTimestamp: deletionTimestamp, dataChange: true, extendedFileMetadata: true,
                    partitionValues: partitionValues, size: size)
    }
}
