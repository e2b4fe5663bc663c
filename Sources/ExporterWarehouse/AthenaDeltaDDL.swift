import ExporterCore

/// Athena over a Delta table: an external table whose only settings are its location and
/// `table_type`.
///
/// Follows https://docs.aws.amazon.com/athena/latest/ug/delta-lake-tables-getting-started.html
/// (`CREATE EXTERNAL TABLE … LOCATION … TBLPROPERTIES ('table_type' = 'DELTA')`: the column
/// definitions are omitted, because Athena infers them from the Delta log and syncs them to AWS
/// Glue, and a statement with more than LOCATION and table_type is refused) and
/// https://docs.aws.amazon.com/athena/latest/ug/delta-lake-tables.html (engine version 3 only,
/// file skipping on the log's per-file minimum and maximum values, no time travel, read only).
/// No partition projection and no symlink lists: the log names the files of each version, so the
/// manifests beside them are never read.
struct AthenaDeltaDDL {
    let target: WarehouseTarget

    var ddl: String {
        [
            "-- Athena: a Delta Lake table (engine version 3). Athena infers the columns from the table's _delta_log/ and keeps",
            "-- them in AWS Glue, so the statement names none, and it allows no table properties but LOCATION and table_type.",
            "-- Queries read the latest committed version and skip files by the per-file statistics in the log; Athena has no",
            "-- Delta time travel (query an earlier version with DuckDB, Spark or delta-rs).",
            "CREATE EXTERNAL TABLE \(AthenaDDL.identifier(target.entity.rawValue))",
            "LOCATION " + WarehouseDDL.quoted(target.tableLocation),
            "TBLPROPERTIES ('table_type' = 'DELTA');",
        ].joined(separator: "\n") + "\n"
    }
}
