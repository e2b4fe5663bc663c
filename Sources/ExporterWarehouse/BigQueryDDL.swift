import ExporterCore
import Foundation

/// BigQuery: an external table over S3 through BigQuery Omni, one wildcard URI, no partitions.
///
/// Follows https://cloud.google.com/bigquery/docs/reference/standard-sql/data-definition-language#create_external_table_statement
/// (`WITH CONNECTION`, `OPTIONS`: `format`, `uris`, `compression`, `skip_leading_rows`,
/// `allow_quoted_newlines`), https://cloud.google.com/bigquery/docs/omni-aws-create-external-table
/// (S3 needs an AWS connection in a BigQuery Omni region, `aws-{region}.{connection}`) and
/// https://cloud.google.com/bigquery/docs/hive-partitioned-queries (hive partitioning wants
/// `key=value` folders, which `yyyy/mm/dd` is not). A URI holds one `*`, which matches across
/// folders. BigQuery reads gzip for CSV and JSON, but not zstd; only newline-delimited JSON.
struct BigQueryDDL {
    let target: WarehouseTarget

    func ddl() throws(WarehouseDDLError) -> String {
        // The URI may hold one wildcard, the one after the entity's folder.
        if target.keyPrefix.contains("*") {
            throw WarehouseDDLError(connectionID: target.connectionID, field: "key_prefix",
                                    problem: "holds \"*\", and a BigQuery URI may hold one wildcard only (the exporter's, after the entity's folder): remove it from key_prefix")
        }
        if target.format == .json {
            throw WarehouseDDLError(connectionID: target.connectionID, field: "format",
                                    problem: "is json (one array per file), which BigQuery cannot read: it reads newline-delimited JSON; set format to ndjson (or parquet)")
        }
        if target.format != .parquet, target.compression == .zstd {
            throw WarehouseDDLError(connectionID: target.connectionID, field: "compression",
                                    problem: "is zstd, which BigQuery cannot read in \(target.format.rawValue) files (only gzip); set compression to gzip, or format to parquet (ZSTD pages are read)")
        }
        let table = target.entity.rawValue
        var lines = [
            "-- BigQuery: an external table over Amazon S3, which BigQuery reads only through BigQuery Omni: create a BigQuery",
            "-- connection to AWS in the Omni region of the bucket (aws-\(target.region)) and a dataset in that region, then",
            "-- replace PROJECT.DATASET and CONNECTION_NAME.",
            "-- Hive partitioning needs key=value folders (dt=2026-11-20/), and the exporter's folders are yyyy/mm/dd, so the",
            "-- table has no partition column: the wildcard URI reads every window; filter on the entity's own date columns.",
            "-- The URI's ending matches the data objects and their _part-NNNN files, never the _manifest.json files.",
        ]
        if target.format == .csv {
            lines.append("-- An empty field is NULL; a quoted empty string (\"\") may read as NULL too.")
        }
        if target.format == .parquet {
            lines.append("-- Parquet carries its schema: the columns and their types come from the files (DECIMAL -> NUMERIC or BIGNUMERIC).")
            lines.append("CREATE OR REPLACE EXTERNAL TABLE `PROJECT.DATASET.\(table)`")
        } else {
            lines.append("CREATE OR REPLACE EXTERNAL TABLE `PROJECT.DATASET.\(table)` (")
            lines.append(target.columns.map { "  `\($0.name)` \(type($0))" }.joined(separator: ",\n"))
            lines.append(")")
        }
        lines.append("WITH CONNECTION `aws-\(target.region).CONNECTION_NAME`")
        lines.append("OPTIONS (")
        lines.append(options.map { "  " + $0 }.joined(separator: ",\n"))
        lines.append(");")
        return lines.joined(separator: "\n") + "\n"
    }

    private var options: [String] {
        let uri = "uris = [" + Self.literal(target.entityLocation + "*" + target.fileEnding) + "]"
        let compression = target.compression == .gzip ? ["compression = 'GZIP'"] : []
        switch target.format {
        case .parquet:
            return ["format = 'PARQUET'", uri]
        case .csv:
            return ["format = 'CSV'", uri] + compression + ["skip_leading_rows = 1", "allow_quoted_newlines = true"]
        case .ndjson, .json:
            return ["format = 'NEWLINE_DELIMITED_JSON'", uri] + compression
        }
    }

    /// A GoogleSQL string literal: a quote or backslash is escaped with a backslash (doubling a
    /// quote, as other dialects do, is not GoogleSQL).
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// BigQuery's type for a text-format column: NUMERIC holds 29 integer and 9 fraction digits,
    /// BIGNUMERIC 38 and 38; a decimal neither holds stays STRING (exact text).
    private func type(_ column: SourceColumn) -> String {
        if let decimal = column.decimal {
            if decimal.scale <= 9, decimal.precision - decimal.scale <= 29 { return "NUMERIC" }
            return "BIGNUMERIC"
        }
        switch column.type {
        case .integer: return "INT64"
        case .boolean: return "BOOL"
        case .timestamp: return "TIMESTAMP"
        // In NDJSON the value is embedded JSON, which only a JSON column takes; in CSV it is text.
        case .json: return target.format == .csv ? "STRING" : "JSON"
        case .text, .numeric, .unconstrainedNumeric, .other: return "STRING"
        }
    }
}
