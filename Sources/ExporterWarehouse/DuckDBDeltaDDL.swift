import ExporterCore

/// DuckDB over a Delta table: a view over `delta_scan` on the table's root.
///
/// Follows https://duckdb.org/docs/stable/core_extensions/delta (the `delta` extension, autoloaded
/// on first use; `delta_scan('s3://…')` with an S3 secret; a local table as a `file://` URL) and
/// https://github.com/duckdb/duckdb-delta (time travel: `delta_scan(…, version => N)`). The view
/// reads the log each time it is queried, so it always sees the latest committed version, and
/// `delta_scan` skips files by the per-file statistics the log holds.
struct DuckDBDeltaDDL {
    let target: WarehouseTarget

    var ddl: String {
        let url = WarehouseDDL.quoted(tableURL)
        return [
            "-- DuckDB: a view over the Delta table (duckdb.org/docs/stable/core_extensions/delta). The delta extension loads on",
            "-- first use (or INSTALL delta; LOAD delta;); s3:// needs credentials, e.g.",
            "--   CREATE SECRET (TYPE s3, PROVIDER credential_chain);",
            "-- Each query reads the latest committed version from the log and skips files by their statistics there.",
            "-- An earlier version (time travel): SELECT * FROM delta_scan(\(url), version => 3);",
            "CREATE OR REPLACE VIEW \(DuckDBDDL.identifier(target.entity.rawValue)) AS",
            "SELECT * FROM delta_scan(\(url));",
        ].joined(separator: "\n") + "\n"
    }

    /// The table's root as `delta_scan` takes it: no trailing `/`, and a local absolute path (a
    /// `--location` copy of the bucket) as a `file://` URL, which the extension's docs ask for.
    var tableURL: String {
        let url = target.tableLocationWithoutSlash
        return url.hasPrefix("/") ? "file://" + url : url
    }
}
