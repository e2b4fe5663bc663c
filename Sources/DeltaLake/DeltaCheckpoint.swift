import ParquetWriter

/// A Delta table's checkpoint: its state at one version as a single Parquet file,
/// `_delta_log/{version:020}.checkpoint.parquet`, so readers open the table from it (pointed to
/// by `_delta_log/_last_checkpoint`) and the few commits after it instead of replaying every
/// commit since the table began.
///
/// Each row holds exactly one action, in the column of its type (``DeltaCheckpointSchema``):
/// the protocol, the metadata, each application's latest `txn`, every live file's `add` (with
/// its statistics as JSON text) and the `remove` tombstones not yet vacuumed. `commitInfo` is
/// never part of a checkpoint and is skipped. The file is written by ``ParquetNestedFileWriter``
/// (there is no Parquet library for Swift here): one row group, PLAIN values, pages compressed by
/// the codec given (the exporter passes the table's data codec).
/// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#checkpoints
public enum DeltaCheckpoint {
    /// The checkpoint file of `actions` (``DeltaSnapshot/checkpointActions``, rows in their order).
    /// `createdBy` is the footer's `created_by` (``ParquetWriterOptions/createdBy(application:version:build:)``).
    public static func parquet(_ actions: [DeltaAction], createdBy: String) throws(DeltaCheckpointError) -> [UInt8] {
        try parquet(actions, createdBy: createdBy, codec: UncompressedPageCodec())
    }

    /// The same, with pages compressed by `codec`.
    public static func parquet(
        _ actions: [DeltaAction], createdBy: String, codec: any PageCodec
    ) throws(DeltaCheckpointError) -> [UInt8] {
        let rows = try rows(of: actions)
        let writer: ParquetNestedFileWriter
        do {
            writer = try ParquetNestedFileWriter(schema: DeltaCheckpointSchema.fields, codec: codec, createdBy: createdBy)
        } catch {
            throw .parquet(error)
        }
        var shredder = CheckpointShredder(schema: writer.schema, leaves: writer.leaves)
        for row in rows { try shredder.append(row: row) }
        do {
            return try writer.write(shredder.columns)
        } catch {
            throw .parquet(error)
        }
    }

    /// The number of actions (rows) the checkpoint of `actions` holds: `_last_checkpoint`'s `size`.
    public static func actionCount(_ actions: [DeltaAction]) -> Int {
        actions.count { action in
            switch action {
            case .protocol, .metaData, .txn, .add, .remove: true
            case .commitInfo, .other: false
            }
        }
    }

    /// One row per action: NULL in every column but its own. Exactly one protocol and one
    /// metaData, as every checkpoint must hold.
    static func rows(of actions: [DeltaAction]) throws(DeltaCheckpointError) -> [[CheckpointValue]] {
        var rows: [[CheckpointValue]] = []
        rows.reserveCapacity(actions.count)
        var protocols = 0
        var metadata = 0
        for action in actions {
            let slot: DeltaCheckpointSchema.Slot
            let value: CheckpointValue
            switch action {
            case .protocol(let action):
                protocols += 1
                (slot, value) = (.protocol, Self.value(action))
            case .metaData(let action):
                metadata += 1
                (slot, value) = (.metaData, Self.value(action))
            case .txn(let action): (slot, value) = (.txn, Self.value(action))
            case .add(let action): (slot, value) = (.add, Self.value(action))
            case .remove(let action): (slot, value) = (.remove, Self.value(action))
            case .commitInfo: continue
            case .other(let name): throw .unsupportedAction(name)
            }
            var row = [CheckpointValue](repeating: .null, count: DeltaCheckpointSchema.Slot.allCases.count)
            row[slot.rawValue] = value
            rows.append(row)
        }
        guard protocols == 1 else { throw .snapshotNeedsOne(action: "protocol", found: protocols) }
        guard metadata == 1 else { throw .snapshotNeedsOne(action: "metaData", found: metadata) }
        return rows
    }

    // MARK: Actions as rows (fields in DeltaCheckpointSchema's order)

    static func value(_ txn: DeltaTransaction) -> CheckpointValue {
        .group([.string(txn.appId), .int64(txn.version), .long(txn.lastUpdated)])
    }

    static func value(_ add: DeltaAdd) -> CheckpointValue {
        .group([
            .string(add.path), .map(add.partitionValues), .int64(add.size), .int64(add.modificationTime),
            .boolean(add.dataChange), .text(add.stats), .optionalMap(add.tags),
        ])
    }

    static func value(_ remove: DeltaRemove) -> CheckpointValue {
        .group([
            .string(remove.path), .long(remove.deletionTimestamp), .boolean(remove.dataChange),
            .flag(remove.extendedFileMetadata), .optionalMap(remove.partitionValues), .long(remove.size),
        ])
    }

    static func value(_ metadata: DeltaMetadata) -> CheckpointValue {
        .group([
            .string(metadata.id), .text(metadata.name), .text(metadata.description),
            .group([.string(metadata.format.provider), .map(metadata.format.options)]),
            .string(metadata.schemaString), .list(metadata.partitionColumns), .map(metadata.configuration),
            .long(metadata.createdTime),
        ])
    }

    static func value(_ tableProtocol: DeltaProtocol) -> CheckpointValue {
        .group([
            .int32(tableProtocol.minReaderVersion), .int32(tableProtocol.minWriterVersion),
            .optionalList(tableProtocol.readerFeatures), .optionalList(tableProtocol.writerFeatures),
        ])
    }
}
