import ExporterCore
import DeltaLake
import ExporterSink

/// What a vacuum of one table did.
public struct DeltaVacuumReport: Sendable, Hashable {
    public var location: String
    public var version: Int64
    /// Keys deleted (or, in a dry run, that would be).
    public var deleted: [String]
    /// Removed files kept because they were removed less than the retention ago.
    public var keptTombstones: Int
}

extension DeltaTableWriter {
    /// Deletes the files the table removed longer than `retentionHours` ago, and the data files of
    /// runs that died before their commit once they are as old. Never a file the latest version
    /// names, never a file that is not one of this exporter's data files (manifests, lists and
    /// other tools' files stay), never anything in `_delta_log/`.
    /// https://docs.delta.io/latest/delta-utility.html#remove-files-no-longer-referenced-by-a-delta-table
    func vacuum(retentionHours: Int, dryRun: Bool) async throws -> DeltaVacuumReport {
        let snapshot = try await snapshot()
        let nowMillis = now()
        let cutoffMillis = nowMillis - Int64(retentionHours) * 3_600_000
        var deleted: [String] = []
        var forgotten: [String] = []
        var kept = 0
        for (path, remove) in snapshot.tombstones.sorted(by: { $0.key < $1.key }) where snapshot.files[path] == nil {
            guard (remove.deletionTimestamp ?? 0) < cutoffMillis else { kept += 1; continue }
            if Self.isDataFile(path) {
                deleted.append(root + path)
                if !dryRun { try await sink.delete(key: root + path) }
            }
            forgotten.append(path)
        }
        // Files no commit names: a dead run's, once older than the retention, and never a run's
        // that is still running (its commit is yet to come, however long it has taken).
        var orphans: [ListedObject] = []
        for object in try await sink.listObjects(prefix: root, startAfter: nil) {
            let path = String(object.key.dropFirst(root.count))
            guard Self.isDataFile(path), snapshot.files[path] == nil, snapshot.tombstones[path] == nil,
                  let modified = object.lastModified, modified * 1_000 < cutoffMillis else { continue }
            orphans.append(object)
        }
        let running = try await history.runningRunIDs(among: orphans.compactMap { ObjectKeyLayout.deltaRunID($0.key) })
        for object in orphans where !(ObjectKeyLayout.deltaRunID(object.key).map(running.contains) ?? false) {
            deleted.append(object.key)
            if !dryRun { try await sink.delete(key: object.key) }
        }
        if !dryRun { try await history.forgetDeltaTombstones(table, paths: forgotten) }
        return DeltaVacuumReport(location: table.location, version: snapshot.version, deleted: deleted, keptTombstones: kept)
    }
}
