import ExporterCore

/// Databricks: an external table over the Delta table's root.
///
/// Follows https://docs.databricks.com/aws/en/sql/language-manual/sql-ref-syntax-ddl-create-table-using
/// (`CREATE TABLE [IF NOT EXISTS] … USING DELTA LOCATION`; over a location that already holds a
/// Delta table the schema is taken from its log), https://docs.databricks.com/aws/en/tables/external
/// (a Unity Catalog external table's location must lie in an external location, with a storage
/// credential that may read the bucket) and https://docs.databricks.com/aws/en/delta/history
/// (`VERSION AS OF`, `TIMESTAMP AS OF`). Databricks reads `s3://` natively, so the location is the
/// exporter's own URL.
struct DatabricksDDL {
    let target: WarehouseTarget

    var ddl: String {
        [
            "-- Databricks: an external table over the Delta table. With Unity Catalog, s3://\(target.bucket)/ must lie in an",
            "-- external location (a storage credential that may read the bucket) on which you have CREATE EXTERNAL TABLE.",
            "-- The table takes its columns from the log and reads the latest committed version.",
            "-- An earlier version: SELECT * FROM \(target.entity.rawValue) VERSION AS OF 3; (or TIMESTAMP AS OF '2026-11-20T00:00:00Z')",
            SparkDDL.createTable(target.entity.rawValue, location: target.tableLocation),
        ].joined(separator: "\n") + "\n"
    }
}
