import DeltaLake
import ExporterSink
import NIOCore

extension DeltaTableWriter {
    /// Writes a checkpoint of `snapshot` when its version is a multiple of the interval (10), then
    /// `_last_checkpoint`, so a reader opens the table from one Parquet file and at most nine
    /// commits, however old the table. Readers that find no checkpoint replay the commits, so a
    /// checkpoint that fails to write costs speed, not data: it is logged, never a failed run.
    /// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#checkpoints
    func checkpointIfDue(_ snapshot: DeltaSnapshot) async {
        guard snapshot.version > 0, snapshot.version % checkpointInterval == 0 else { return }
        do {
            try await writeCheckpoint(snapshot)
        } catch {
            logger.warning("the Delta checkpoint could not be written; readers replay the commits instead",
                           metadata: ["table": "\(table.location)", "version": "\(snapshot.version)", "error": "\(error)"])
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
