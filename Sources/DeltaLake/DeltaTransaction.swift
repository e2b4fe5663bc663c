/// The `txn` action: the latest version an application committed. A writer that finds its own
/// (appId, version) in the log knows the commit is already applied and never applies it twice.
/// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#transaction-identifiers
public struct DeltaTransaction: Codable, Sendable, Hashable {
    public var appId: String
    public var version: Int64
    /// Milliseconds since the epoch.
    public var lastUpdated: Int64?

    public init(appId: String, version: Int64, lastUpdated: Int64?) {
        self.appId = appId
        self.version = version
        self.lastUpdated = lastUpdated
    }
}
