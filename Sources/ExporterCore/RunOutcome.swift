/// The figures of a successful run.
public struct RunOutcome: Sendable, Hashable {
    public var rowCount: Int64
    public var bytesRaw: Int64
    public var bytesUploaded: Int64
    public var objectCount: Int
    public var manifestKey: String
    public var objectURL: String
    /// SHA-256 of the data object (of the first part when the export rolled over).
    public var sha256: String
    /// Bytes of binary COPY data read from PostgreSQL (not recorded in export_runs; progress only).
    public var bytesRead: Int64
    /// The key of the data object (of the first part when the export rolled over).
    public var objectKey: String
    /// The Delta table version whose commit delivered the window (a Delta stream's run).
    public var deltaVersion: Int64?

    public init(rowCount: Int64, bytesRaw: Int64, bytesUploaded: Int64, objectCount: Int,
                manifestKey: String, objectURL: String, sha256: String, bytesRead: Int64 = 0,
                objectKey: String = "", deltaVersion: Int64? = nil) {
        self.rowCount = rowCount
        self.bytesRaw = bytesRaw
        self.bytesUploaded = bytesUploaded
        self.objectCount = objectCount
        self.manifestKey = manifestKey
        self.objectURL = objectURL
        self.sha256 = sha256
        self.bytesRead = bytesRead
        self.objectKey = objectKey
        self.deltaVersion = deltaVersion
    }
}
