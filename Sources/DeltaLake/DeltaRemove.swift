/// The `remove` action: a file leaves the table. It stays in storage as a tombstone (time travel
/// reads it) until a vacuum after the retention deletes it.
/// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#add-file-and-remove-file
public struct DeltaRemove: Codable, Sendable, Hashable {
    public var path: String
    /// When the file was removed, milliseconds since the epoch: what the retention counts from.
    public var deletionTimestamp: Int64?
    public var dataChange: Bool
    public var extendedFileMetadata: Bool?
    public var partitionValues: [String: String?]?
    public var size: Int64?

    public init(path: String, deletionTimestamp: Int64?, dataChange: Bool = true, extendedFileMetadata: Bool? = nil,
                partitionValues: [String: String?]? = nil, size: Int64? = nil) {
        self.path = path
        self.deletionTimestamp = deletionTimestamp
        self.dataChange = dataChange
        self.extendedFileMetadata = extendedFileMetadata
        self.partitionValues = partitionValues
        self.size = size
    }
}
