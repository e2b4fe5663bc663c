/// A Delta table's state at one version: what replaying its log gives.
///
/// The exporter keeps this state in PostgreSQL between commits (so a commit never replays years
/// of log) and brings it up to date with any newer commits, its own or another writer's, before
/// each commit (``apply(_:version:)``).
/// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#action-reconciliation
public struct DeltaSnapshot: Sendable, Hashable {
    /// -1 before the first commit.
    public var version: Int64
    public var tableProtocol: DeltaProtocol?
    public var metadata: DeltaMetadata?
    /// The live files, by path.
    public var files: [String: DeltaAdd]
    /// Files removed and not yet vacuumed, by path.
    public var tombstones: [String: DeltaRemove]
    /// The latest version of each application, by appId.
    public var transactions: [String: DeltaTransaction]

    public init(version: Int64 = -1, tableProtocol: DeltaProtocol? = nil, metadata: DeltaMetadata? = nil,
                files: [String: DeltaAdd] = [:], tombstones: [String: DeltaRemove] = [:],
                transactions: [String: DeltaTransaction] = [:]) {
        self.version = version
        self.tableProtocol = tableProtocol
        self.metadata = metadata
        self.files = files
        self.tombstones = tombstones
        self.transactions = transactions
    }

    /// Applies the commit at `version`, which must be the next one.
    public mutating func apply(_ actions: [DeltaAction], version: Int64) throws(DeltaLogError) {
        guard version == self.version + 1 else { throw .missingCommit(version: self.version + 1) }
        for action in actions {
            switch action {
            case .protocol(let value): tableProtocol = value
            case .metaData(let value): metadata = value
            case .add(let value):
                files[value.path] = value
                tombstones[value.path] = nil
            case .remove(let value):
                files[value.path] = nil
                tombstones[value.path] = value
            case .txn(let value): transactions[value.appId] = value
            case .commitInfo, .other: break
            }
        }
        self.version = version
    }

    /// Fails unless this writer may append to the table: a protocol it implements and no
    /// partition columns.
    public func checkWritable() throws(DeltaLogError) {
        if let tableProtocol, !tableProtocol.isWritableByExporter {
            throw .unsupportedProtocol(minReaderVersion: tableProtocol.minReaderVersion,
                                       minWriterVersion: tableProtocol.minWriterVersion,
                                       features: (tableProtocol.readerFeatures ?? []) + (tableProtocol.writerFeatures ?? []))
        }
        if let columns = metadata?.partitionColumns, !columns.isEmpty { throw .partitioned(columns: columns) }
    }

    /// The live files whose path starts with `prefix` (a window's files: its folder and name).
    public func files(withPrefix prefix: String) -> [DeltaAdd] {
        files.values.filter { $0.path.hasPrefix(prefix) }.sorted { $0.path < $1.path }
    }

    /// The actions of a checkpoint of this state, in a fixed order (protocol, metadata,
    /// transactions, files, tombstones; each by key), so a checkpoint's bytes depend on the state
    /// alone.
    public var checkpointActions: [DeltaAction] {
        var actions: [DeltaAction] = []
        if let tableProtocol { actions.append(.protocol(tableProtocol)) }
        if let metadata { actions.append(.metaData(metadata)) }
        actions += transactions.keys.sorted().compactMap { transactions[$0].map(DeltaAction.txn) }
        actions += files.keys.sorted().compactMap { files[$0].map(DeltaAction.add) }
        actions += tombstones.keys.sorted().compactMap { tombstones[$0].map(DeltaAction.remove) }
        return actions
    }
}
