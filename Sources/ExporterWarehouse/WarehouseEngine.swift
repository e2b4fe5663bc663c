/// The query engines `flexprice-exporter schema` writes DDL for (issue 15: "export to other
/// providers: Athena, BigQuery, Snowflake", and DuckDB, which the tests can run).
///
/// `databricks` and `spark` read a connection's files only as a Delta Lake table (issue 26,
/// `table_format: "delta"`): their DDL registers the table's folder, whose log says which files
/// form it. Over plain files they would need the partition and manifest handling the other four
/// engines have, and a Delta table is what both are built to read.
public enum WarehouseEngine: String, Sendable, CaseIterable, Hashable {
    case duckdb
    case athena
    case snowflake
    case bigquery
    case databricks
    case spark
}
