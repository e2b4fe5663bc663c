/// The commit that delivers one export window: the exporter's only kind of commit.
///
/// One commit per window makes the window appear in the table all at once: its files are added,
/// the files an earlier export of the same window left are removed (a re-export replaces the
/// window, it never doubles it), the stream's `txn` records the run, and `commitInfo` names it
/// and counts what it wrote.
/// The first commit of a table also writes `protocol` and `metaData`; a later one writes
/// `metaData` again only when the entity gained columns.
public struct DeltaWindowCommit: Sendable {
    /// The window's files, paths relative to the table root.
    public var files: [DeltaAdd]
    /// What every file of this window's path starts with (its date folder and name, up to the
    /// run id), to find the files an earlier export of the window committed.
    public var windowPrefix: String
    /// The data files' columns.
    public var schema: DeltaSchema
    /// The rows of the window's files, for `commitInfo`'s metrics.
    public var rows: Int64
    public var transaction: DeltaTransaction
    /// The run's provenance; ``actions(on:now:tableID:)`` adds the write's `mode`,
    /// `isBlindAppend` and `operationMetrics`, known only once the files it replaces are.
    public var commitInfo: DeltaCommitInfo

    public init(files: [DeltaAdd], windowPrefix: String, schema: DeltaSchema, rows: Int64, transaction: DeltaTransaction,
                commitInfo: DeltaCommitInfo) {
        self.files = files
        self.rows = rows
        self.windowPrefix = windowPrefix
        self.schema = schema
        self.transaction = transaction
        self.commitInfo = commitInfo
    }

    /// Whether `snapshot` already holds this commit: its application's version is at least ours
    /// (a commit whose answer was lost, found in the log on the next try, is never applied twice).
    public func isApplied(in snapshot: DeltaSnapshot) -> Bool {
        guard let latest = snapshot.transactions[transaction.appId] else { return false }
        return latest.version >= transaction.version
    }

    /// The commit's actions on top of `snapshot`, at `now` (ms). `tableID` makes the id of a new
    /// table (a UUID).
    public func actions(on snapshot: DeltaSnapshot, now: Int64, tableID: () -> String) throws(DeltaCommitError) -> [DeltaAction] {
        let adding = Set(files.map(\.path))
        let replaced = snapshot.files(withPrefix: windowPrefix).filter { !adding.contains($0.path) }
        var actions: [DeltaAction] = [.commitInfo(commitInfo(replacing: replaced))]
        if let metadata = snapshot.metadata {
            let current = DeltaSchema.parse(metadata.schemaString) ?? DeltaSchema(fields: [])
            let merged = try Self.merge(current, with: schema)
            if merged != current {
                var updated = metadata
                updated.schemaString = merged.json
                actions.append(.metaData(updated))
            }
        } else {
            actions.append(.protocol(.exporter))
            actions.append(.metaData(DeltaMetadata(id: tableID(), schemaString: schema.json, createdTime: now)))
        }
        actions += replaced.map { .remove($0.removed(at: now)) }
        actions += files.map(DeltaAction.add)
        actions.append(.txn(transaction))
        return actions
    }

    /// ``commitInfo`` completed as Spark completes a WRITE's: `mode` Append, or Overwrite when
    /// the commit replaces files (then not a blind append: it depends on what the table held),
    /// and `operationMetrics` numFiles, numOutputRows, numOutputBytes, plus numRemovedFiles and
    /// numRemovedBytes for an overwrite.
    public func commitInfo(replacing replaced: [DeltaAdd]) -> DeltaCommitInfo {
        var info = commitInfo
        var parameters = info.operationParameters ?? [:]
        parameters["mode"] = replaced.isEmpty ? "Append" : "Overwrite"
        info.operationParameters = parameters
        info.isBlindAppend = replaced.isEmpty
        var metrics = ["numFiles": "\(files.count)", "numOutputRows": "\(rows)",
                       "numOutputBytes": "\(files.reduce(0) { $0 + $1.size })"]
        if !replaced.isEmpty {
            metrics["numRemovedFiles"] = "\(replaced.count)"
            metrics["numRemovedBytes"] = "\(replaced.reduce(0) { $0 + $1.size })"
        }
        info.operationMetrics = metrics
        return info
    }

    /// The table's schema with the export's new columns appended. A column the export no longer
    /// has stays (older files hold it; newer read as NULL); a column whose type changed cannot be
    /// one table.
    static func merge(_ table: DeltaSchema, with export: DeltaSchema) throws(DeltaCommitError) -> DeltaSchema {
        var merged = table
        for field in export.fields {
            if let existing = table.fields.first(where: { $0.name == field.name }) {
                guard existing.type == field.type else {
                    throw .typeChanged(column: field.name, table: existing.type, export: field.type)
                }
            } else {
                merged.fields.append(field)
            }
        }
        return merged
    }
}

/// Why a window cannot be committed to its table.
public enum DeltaCommitError: Error, Sendable, Hashable, CustomStringConvertible {
    case typeChanged(column: String, table: String, export: String)

    public var description: String {
        switch self {
        case .typeChanged(let column, let table, let export):
            "column \(column) is \(export) now but \(table) in the Delta table; a table cannot hold both (export to a new key_prefix, or move the old table away)"
        }
    }
}
