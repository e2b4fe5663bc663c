import DeltaLake
import ExporterCore
import ExporterRunHistory
import ExporterSink
import Foundation
import Logging
import NIOCore
import ParquetWriter

/// The I/O of one Delta table: its state (stored in the run history, brought up to date from the
/// log in S3), its commits, its checkpoints and its vacuum. ``DeltaWindowCommit`` decides what a
/// commit says; this type makes it happen exactly once.
///
/// A commit is the object `_delta_log/{version:020}.json`, written with `If-None-Match: *`: of two
/// writers of one version, the store lets one win. The loser re-reads the log and, unless the
/// winner was its own earlier attempt (its `txn`), commits again at the next version. The stream's
/// lock in PostgreSQL already keeps this exporter's writers of one window apart; this is the second
/// line, against another daemon's window of the same table and any other writer.
struct DeltaTableWriter {
    let sink: any ObjectSink
    let history: RunHistory
    let table: DeltaTableRecord
    /// The table root's key prefix, with its trailing slash.
    let root: String
    let logger: Logger
    /// Milliseconds since the epoch: a parameter so tests can fix it.
    var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000) }
    /// Parquet's `created_by` for checkpoints.
    var createdBy = "flexprice-exporter"
    /// A checkpoint every this many commits (Delta's default).
    var checkpointInterval: Int64 = 10
    /// How a checkpoint's pages are compressed: as the table's data files are (the connection's
    /// `compression`), so every engine that reads the data reads the checkpoint. An hourly table's
    /// checkpoint after years holds tens of thousands of files' statistics.
    var checkpointCodec: any PageCodec = UncompressedPageCodec()
    /// Commits tried before giving up when other writers keep winning.
    var maxAttempts = 10
    /// How the log's objects are stored: with the connection's server-side encryption, as its
    /// data is (a bucket that requires the connection's KMS key refuses a commit without it).
    var storage = ObjectAttributes(contentType: "application/json")

    var logPrefix: String { root + DeltaLogPath.folder }

    func commitKey(_ version: Int64) -> String { logPrefix + DeltaLogPath.commitName(version) }

    /// What the paths of a window's files start with, relative to the root: its date folder and
    /// name up to the run id (`yyyy/mm/dd/{entity}_{start}_{end}_run-`), for `stem` the window's
    /// key stem (``ObjectKeyLayout/stem(entity:window:)``, always under the root).
    func windowPrefix(stem: String) -> String { String(stem.dropFirst(root.count)) + "_run-" }

    /// How a log object (`contentType`: a commit's or `_last_checkpoint`'s JSON, a checkpoint's
    /// Parquet) is stored.
    func attributes(contentType: String = "application/json") -> ObjectAttributes {
        var attributes = storage
        attributes.contentType = contentType
        return attributes
    }

    /// The table's current state: the stored one (holding the `files` selected), with every newer
    /// commit in the log replayed and recorded. Fails when the log cannot be used (a gap, a
    /// protocol or partitioning this writer does not implement).
    func snapshot(files: RunHistory.DeltaFileSelection = .all) async throws -> DeltaSnapshot {
        var snapshot = try await history.deltaSnapshot(table, files: files) ?? DeltaSnapshot()
        let newer = try await catchUp(&snapshot)
        try await history.recordDeltaCommits(table, newer)
        try snapshot.checkWritable()
        return snapshot
    }

    /// Replays the commits after `snapshot.version` from the log; returns them.
    func catchUp(_ snapshot: inout DeltaSnapshot) async throws -> [(version: Int64, actions: [DeltaAction])] {
        let startAfter = snapshot.version >= 1 ? commitKey(snapshot.version - 1) : nil
        let listed = try await sink.listObjects(prefix: logPrefix, startAfter: startAfter)
        let versions = listed.compactMap { DeltaLogPath.commitVersion(String($0.key.dropFirst(logPrefix.count))) }.sorted()
        if snapshot.version >= 0, !versions.contains(snapshot.version) {
            let anything = try await sink.listObjects(prefix: logPrefix, startAfter: nil)
            guard anything.isEmpty else { throw DeltaLogError.missingCommit(version: snapshot.version) }
            // The whole log is gone: the table was deleted on purpose. Start a new one there.
            logger.warning("the Delta table's log is gone from the bucket; the next commit starts a new table",
                           metadata: ["table": "\(table.location)", "recorded_version": "\(snapshot.version)"])
            try await history.forgetDeltaTable(table)
            snapshot = DeltaSnapshot()
            return []
        }
        var applied: [(version: Int64, actions: [DeltaAction])] = []
        for version in versions where version > snapshot.version {
            guard version == snapshot.version + 1 else { throw DeltaLogError.missingCommit(version: snapshot.version + 1) }
            guard let body = try await sink.get(key: commitKey(version)) else {
                throw DeltaLogError.missingCommit(version: version)
            }
            let actions = try DeltaJSON.actions(String(buffer: body), version: version)
            try snapshot.apply(actions, version: version)
            applied.append((version, actions))
        }
        return applied
    }

    /// Commits `commit` on top of `snapshot` (updated in place) and returns the version it is at:
    /// the new commit's, or the earlier one of this run found in the log.
    func commit(_ commit: DeltaWindowCommit, on snapshot: inout DeltaSnapshot) async throws -> Int64 {
        for attempt in 1...maxAttempts {
            let actions = try commit.actions(on: snapshot, now: now(), tableID: { UUID().uuidString.lowercased() })
            let version = snapshot.version + 1
            let body = ByteBuffer(string: try DeltaJSON.commit(actions))
            if try await sink.putIfAbsent(key: commitKey(version), body: body, attributes: attributes()) {
                try snapshot.apply(actions, version: version)
                try await history.recordDeltaCommits(table, [(version, actions)])
                await checkpointIfDue(version: version)
                return version
            }
            logger.info("another writer committed this Delta version first; reading the log again",
                        metadata: ["table": "\(table.location)", "version": "\(version)", "attempt": "\(attempt)"])
            let newer = try await catchUp(&snapshot)
            try await history.recordDeltaCommits(table, newer)
            try snapshot.checkWritable()
            if let mine = newer.first(where: { Self.contains($0.actions, commit.transaction) }) {
                // Our own commit, whose answer was lost: it is in the table once already.
                return mine.version
            }
        }
        throw ExportError.delta("the Delta table \(table.location) kept moving: \(maxAttempts) commits were overtaken by other writers")
    }

    static func contains(_ actions: [DeltaAction], _ transaction: DeltaTransaction) -> Bool {
        actions.contains { if case .txn(let txn) = $0 { txn.appId == transaction.appId && txn.version == transaction.version } else { false } }
    }

    /// Deletes the files a dead run of this window left before its commit: under the window's
    /// prefix, not named by the table (live or removed), and not this run's.
    func removeOrphans(windowPrefix: String, keeping snapshot: DeltaSnapshot, runID: Int64) async throws {
        let mine = "_run-\(runID)"
        for object in try await sink.listObjects(prefix: root + windowPrefix, startAfter: nil) {
            let path = String(object.key.dropFirst(root.count))
            guard snapshot.files[path] == nil, snapshot.tombstones[path] == nil, !path.contains(mine + "."),
                  !path.contains(mine + "_"), Self.isDataFile(path) else { continue }
            logger.info("deleting a file an earlier run of this window wrote but never committed",
                        metadata: ["key": "\(object.key)"])
            try await sink.delete(key: object.key)
        }
    }

    /// Whether `path` (relative to the table root) names one of this exporter's data files: the
    /// only files a clean-up or a vacuum may ever delete.
    static func isDataFile(_ path: String) -> Bool {
        !path.hasPrefix(DeltaLogPath.folder) && ObjectKeyLayout.isDeltaDataFile(path)
    }
}
