import DeltaLake
import ExporterSink
import NIOCore

extension DeltaTableWriter {
    /// Writes a checkpoint of `snapshot` when its version is a multiple of the interval (10), then
    /// `_last_checkpoint`, so a reader opens the table from one Parquet file and at most nine
    /// commits, however old the table. Readers that find no checkpoint replay the commits, so a
    /// checkpoint that fails to write costs speed, not data: it is logged, never a failed run.
    /// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#checkpoints
    ///
    /// The commit's own snapshot holds only its window's files; the checkpoint's state (every
    /// file) is read from the run history then, the one commit in `checkpointInterval` that needs it.
    func checkpointIfDue(version: Int64) async {
        guard version > 0, version % checkpointInterval == 0 else { return }
        do {
            // Another writer's commit recorded meanwhile makes this a checkpoint of a later
            // version: as valid, and as current.
            guard let snapshot = try await history.deltaSnapshot(table, files: .all), snapshot.version >= version else { return }
            try await writeCheckpoint(snapshot)
        } catch {
            logger.warning("the Delta checkpoint could not be written; readers replay the commits instead",
                           metadata: ["table": "\(table.location)", "version": "\(version)", "error": "\(error)"])
        }
    }

    /// The checkpoint of `snapshot` (its live files, tombstones, transactions, protocol and
    /// metadata) and `_last_checkpoint` pointing at it.
    func writeCheckpoint(_ snapshot: DeltaSnapshot) async throws {
        let actions = snapshot.checkpointActions
        let bytes = try DeltaCheckpoint.parquet(actions, createdBy: createdBy, codec: checkpointCodec)
        _ = try await sink.put(key: logPrefix + DeltaLogPath.checkpointName(snapshot.version), body: ByteBuffer(bytes: bytes),
                               attributes: attributes(contentType: "application/vnd.apache.parquet"))
        let last = DeltaLastCheckpoint(version: snapshot.version, size: Int64(actions.count), sizeInBytes: Int64(bytes.count),
                                       numOfAddFiles: Int64(snapshot.files.count))
        _ = try await sink.put(key: logPrefix + DeltaLogPath.lastCheckpointName, body: ByteBuffer(string: last.json),
                               attributes: attributes())
        try await history.recordDeltaCheckpoint(table, version: snapshot.version)
    }
}
