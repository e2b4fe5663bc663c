import ParquetWriter

/// The checkpoint file's Parquet schema: one optional struct per action type, in the layout
/// Spark and delta-rs write (https://github.com/delta-io/delta/blob/master/PROTOCOL.md#checkpoint-schema).
///
/// Every field is OPTIONAL, as Spark writes them (readers accept a nullable field where they
/// require a value, not the reverse); map keys are REQUIRED, as the map layout demands. Maps are
/// `MAP<STRING, STRING>`, lists `LIST<STRING>`, protocol versions INT32, sizes, times and versions
/// INT64, and `add.stats` the statistics as JSON text. Fields this writer never sets (deletion
/// vectors, row tracking, `stats_parsed`) are left out: readers treat a missing nullable field as
/// NULL.
enum DeltaCheckpointSchema {
    static let fields: [ParquetSchemaNode] = [
        .group("txn", [
            .leaf("appId", .string),
            .leaf("version", .int64),
            .leaf("lastUpdated", .int64),
        ]),
        .group("add", [
            .leaf("path", .string),
            .map("partitionValues"),
            .leaf("size", .int64),
            .leaf("modificationTime", .int64),
            .leaf("dataChange", .boolean),
            .leaf("stats", .string),
            .map("tags"),
        ]),
        .group("remove", [
            .leaf("path", .string),
            .leaf("deletionTimestamp", .int64),
            .leaf("dataChange", .boolean),
            .leaf("extendedFileMetadata", .boolean),
            .map("partitionValues"),
            .leaf("size", .int64),
        ]),
        .group("metaData", [
            .leaf("id", .string),
            .leaf("name", .string),
            .leaf("description", .string),
            .group("format", [
                .leaf("provider", .string),
                .map("options"),
            ]),
            .leaf("schemaString", .string),
            .list("partitionColumns"),
            .map("configuration"),
            .leaf("createdTime", .int64),
        ]),
        .group("protocol", [
            .leaf("minReaderVersion", .int32),
            .leaf("minWriterVersion", .int32),
            .list("readerFeatures"),
            .list("writerFeatures"),
        ]),
    ]

    /// The index of each action's struct among ``fields``.
    enum Slot: Int, CaseIterable {
        case txn, add, remove, metaData, `protocol`
    }
}
