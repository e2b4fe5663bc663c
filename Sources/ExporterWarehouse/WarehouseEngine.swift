/// The query engines `flexprice-exporter schema` writes DDL for (issue 15: "export to other
/// providers: Athena, BigQuery, Snowflake", and DuckDB, which the tests can run).
public enum WarehouseEngine: String, Sendable, CaseIterable, Hashable {
    case duckdb
    case athena
    case snowflake
    case bigquery
}
