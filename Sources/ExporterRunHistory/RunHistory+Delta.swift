import DeltaLake
import ExporterCore
import ExporterDatabase
import Foundation

/// The state of the Delta tables the exporter writes (migration 7): each table's log replayed,
/// kept here so a commit reads it in one query instead of replaying every commit in S3. The log
/// stays the truth: the engine replays commits newer than the stored version before committing.
extension RunHistory {
    /// Which of a table's files (live and removed) a snapshot read from here holds. A window's
    /// commit needs only the window's own files (besides the protocol, metadata and
    /// transactions, always read), so its cost does not grow with the table: an hourly stream
    /// holds 8,760 files a year. A checkpoint and a vacuum need them all.
    public enum DeltaFileSelection: Sendable, Hashable {
        case all
        /// The files whose path (relative to the table root) starts with this prefix.
        case under(String)
        /// None: the table's version, protocol, metadata and transactions only.
        case none
    }

    /// The stored state of a table with the `files` selected, nil when none is stored.
    public func deltaSnapshot(_ table: DeltaTableRecord, files: DeltaFileSelection = .all) async throws -> DeltaSnapshot? {
        try await ExportError.whileUsingDatabase("reading the Delta table state in delta_tables") {
            try await client.transaction { db -> DeltaSnapshot? in
                guard let row = try await db.query("""
                    SELECT version, protocol_action, metadata_action FROM delta_tables WHERE table_key = \(table.key)
                    """).first else { return nil }
                let (version, protocolText, metadataText) = try row.decode((Int64, String?, String?).self)
                var snapshot = DeltaSnapshot(version: version)
                for text in [protocolText, metadataText].compactMap({ $0 }) {
                    switch try Self.action(text) {
                    case .protocol(let value): snapshot.tableProtocol = value
                    case .metaData(let value): snapshot.metadata = value
                    default: break
                    }
                }
                let selected: [DatabaseRow]
                switch files {
                case .all:
                    selected = try await db.query("""
                        SELECT add_action, remove_action FROM delta_table_files WHERE table_key = \(table.key)
                        """)
                case .under(let prefix):
                    selected = try await db.query("""
                        SELECT add_action, remove_action FROM delta_table_files
                        WHERE table_key = \(table.key) AND starts_with(path, \(prefix))
                        """)
                case .none:
                    selected = []
                }
                for row in selected {
                    let (addText, removeText) = try row.decode((String?, String?).self)
                    if let removeText, case .remove(let remove) = try Self.action(removeText) {
                        snapshot.tombstones[remove.path] = remove
                    } else if let addText, case .add(let add) = try Self.action(addText) {
                        snapshot.files[add.path] = add
                    }
                }
                for row in try await db.query("""
                    SELECT txn_action FROM delta_table_transactions WHERE table_key = \(table.key)
                    """) {
                    if case .txn(let txn) = try Self.action(try row.decode(String.self)) { snapshot.transactions[txn.appId] = txn }
                }
                return snapshot
            }
        }
    }

    /// Records the commits `commits` (consecutive versions, each with its actions) on top of the
    /// stored state. Versions already stored (another daemon recorded them first) are skipped, so
    /// the stored state never goes back.
    public func recordDeltaCommits(_ table: DeltaTableRecord, _ commits: [(version: Int64, actions: [DeltaAction])]) async throws {
        guard !commits.isEmpty else { return }
        try await ExportError.whileUsingDatabase("recording a Delta commit in delta_tables") {
            try await client.transaction { db in
                _ = try await db.query("""
                    INSERT INTO delta_tables (table_key, location, connection_id, entity_type, scheduled_task_id, version)
                    VALUES (\(table.key), \(table.location), \(table.stream.connectionID), \(table.stream.entity.rawValue),
                            \(table.stream.scheduledTaskID), -1)
                    ON CONFLICT (table_key) DO NOTHING
                    """)
                let stored = try await db.query("""
                    SELECT version FROM delta_tables WHERE table_key = \(table.key) FOR UPDATE
                    """).first?.decode(Int64.self) ?? -1
                var version = stored
                for commit in commits where commit.version > stored {
                    guard commit.version == version + 1 else { throw DeltaLogError.missingCommit(version: version + 1) }
                    try await Self.record(commit.actions, table: table, on: db)
                    version = commit.version
                }
                _ = try await db.query("""
                    UPDATE delta_tables SET version = \(version), updated_at = now(),
                        connection_id = \(table.stream.connectionID), entity_type = \(table.stream.entity.rawValue),
                        scheduled_task_id = \(table.stream.scheduledTaskID)
                    WHERE table_key = \(table.key)
                    """)
            }
        }
    }

    /// Records that a checkpoint of `version` was written.
    public func recordDeltaCheckpoint(_ table: DeltaTableRecord, version: Int64) async throws {
        try await execute("""
            UPDATE delta_tables SET checkpoint_version = GREATEST(COALESCE(checkpoint_version, -1), \(version))
            WHERE table_key = \(table.key)
            """, what: "recording a Delta checkpoint in delta_tables")
    }

    /// Forgets a table whose log is gone from the store (deleted on purpose): the next commit
    /// starts a new table there.
    public func forgetDeltaTable(_ table: DeltaTableRecord) async throws {
        try await execute("DELETE FROM delta_tables WHERE table_key = \(table.key)", what: "forgetting a deleted Delta table")
    }

    /// Forgets the tombstones of files a vacuum deleted.
    public func forgetDeltaTombstones(_ table: DeltaTableRecord, paths: [String]) async throws {
        guard !paths.isEmpty else { return }
        try await execute("""
            DELETE FROM delta_table_files
            WHERE table_key = \(table.key) AND remove_action IS NOT NULL AND path = ANY(\(paths))
            """, what: "forgetting vacuumed Delta tombstones")
    }

    /// Which of `ids` are runs still `running`: their files are not orphans yet, whatever their age
    /// (a long export uploads its files well before its commit).
    public func runningRunIDs(among ids: [Int64]) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let list = ids.map(String.init)
        return try await ExportError.whileUsingDatabase("reading running runs in export_runs") {
            Set(try await client.query("""
                SELECT id FROM export_runs WHERE status = 'running' AND id::text = ANY(\(list))
                """).map { try $0.decode(Int64.self) })
        }
    }

    /// Every Delta table's version (one connection's, or all), for `status` and the metrics.
    public func deltaTableVersions(connectionID: String? = nil) async throws -> [DeltaTableVersion] {
        try await ExportError.whileUsingDatabase("reading delta_tables") {
            try await client.query("""
                SELECT connection_id, entity_type, scheduled_task_id, location, version, checkpoint_version FROM delta_tables
                WHERE \(connectionID)::text IS NULL OR connection_id = \(connectionID)
                ORDER BY connection_id, entity_type, location
                """).compactMap { row in
                let (connection, entity, task, location, version, checkpoint) = try row.decode(
                    (String, String, String?, String, Int64, Int64?).self)
                guard let entity = EntityType(rawValue: entity) else { return nil }
                return DeltaTableVersion(stream: ExportStream(connectionID: connection, entity: entity, scheduledTaskID: task),
                                         location: location, version: version, checkpointVersion: checkpoint)
            }
        }
    }

    /// Records one commit's actions: its files in two statements (adds, removes) however many it
    /// names (another writer's commit, or a catch-up, may hold thousands), the rest one by one.
    /// A path named twice in the commit takes its last action, as replaying the commit would.
    private static func record(_ actions: [DeltaAction], table: DeltaTableRecord, on db: DatabaseConnection) async throws {
        var files: [String: DeltaAction] = [:]
        for action in actions {
            switch action {
            case .add(let add): files[add.path] = action
            case .remove(let remove): files[remove.path] = action
            default: try await record(action, table: table, on: db)
            }
        }
        var added: (paths: [String], texts: [String]) = ([], [])
        var removed: (paths: [String], texts: [String], millis: [String]) = ([], [], [])
        for (path, action) in files.sorted(by: { $0.key < $1.key }) {
            let text = try DeltaJSON.line(action)
            if case .remove(let remove) = action {
                removed.paths.append(path)
                removed.texts.append(text)
                removed.millis.append(String(remove.deletionTimestamp ?? 0))
            } else {
                added.paths.append(path)
                added.texts.append(text)
            }
        }
        if !added.paths.isEmpty {
            _ = try await db.query("""
                INSERT INTO delta_table_files (table_key, path, add_action)
                SELECT \(table.key), f.path, f.action FROM unnest(\(added.paths)::text[], \(added.texts)::text[]) AS f(path, action)
                ON CONFLICT (table_key, path) DO UPDATE SET add_action = EXCLUDED.add_action, remove_action = NULL, removed_at = NULL
                """)
        }
        if !removed.paths.isEmpty {
            _ = try await db.query("""
                INSERT INTO delta_table_files (table_key, path, remove_action, removed_at)
                SELECT \(table.key), f.path, f.action, to_timestamp(f.millis::bigint / 1000.0)
                FROM unnest(\(removed.paths)::text[], \(removed.texts)::text[], \(removed.millis)::text[]) AS f(path, action, millis)
                ON CONFLICT (table_key, path) DO UPDATE SET remove_action = EXCLUDED.remove_action, removed_at = EXCLUDED.removed_at
                """)
        }
    }

    private static func record(_ action: DeltaAction, table: DeltaTableRecord, on db: DatabaseConnection) async throws {
        let text = try DeltaJSON.line(action)
        switch action {
        case .protocol:
            _ = try await db.query("UPDATE delta_tables SET protocol_action = \(text) WHERE table_key = \(table.key)")
        case .metaData:
            _ = try await db.query("UPDATE delta_tables SET metadata_action = \(text) WHERE table_key = \(table.key)")
        case .txn(let txn):
            _ = try await db.query("""
                INSERT INTO delta_table_transactions (table_key, app_id, txn_action) VALUES (\(table.key), \(txn.appId), \(text))
                ON CONFLICT (table_key, app_id) DO UPDATE SET txn_action = EXCLUDED.txn_action
                """)
        case .add, .remove, .commitInfo, .other:
            break
        }
    }

    private static func action(_ text: String) throws -> DeltaAction {
        guard let action = try DeltaJSON.actions(text, version: -1).first else {
            throw ExportError.internal("an empty Delta action in delta_tables")
        }
        return action
    }
}
