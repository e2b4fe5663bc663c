import ExporterCore

/// Snowflake: a file format and an external table over a stage on the bucket, the date parsed
/// from `METADATA$FILENAME` as the partition column, a `PATTERN` that matches data objects only.
///
/// Follows https://docs.snowflake.com/en/sql-reference/sql/create-external-table (column
/// expressions on `VALUE`, `PARTITION BY` on expressions of `METADATA$FILENAME`, `LOCATION`,
/// `PATTERN`, `FILE_FORMAT`, `AUTO_REFRESH`), https://docs.snowflake.com/en/sql-reference/sql/create-file-format
/// (CSV: `COMPRESSION`, `SKIP_HEADER`, `FIELD_OPTIONALLY_ENCLOSED_BY`, `EMPTY_FIELD_AS_NULL`,
/// `NULL_IF`; JSON: `STRIP_OUTER_ARRAY`; PARQUET: `USE_LOGICAL_TYPE`) and
/// https://docs.snowflake.com/en/user-guide/tables-external-intro (partitions from the path).
struct SnowflakeDDL {
    let target: WarehouseTarget

    /// The stage's name in the DDL: the user creates it once over `s3://{bucket}/`.
    static let stage = "flexprice_exports"

    func ddl() throws(WarehouseDDLError) -> String {
        // LOCATION takes the stage path unquoted: only characters that need no quoting.
        if let odd = target.keyPrefix.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "_-./".contains($0))) }) {
            throw WarehouseDDLError(connectionID: target.connectionID, field: "key_prefix",
                                    problem: "holds \"\(odd)\", which a Snowflake stage path in LOCATION cannot: use letters, digits, _, -, . and / in key_prefix (or a view over a stage listing)")
        }
        let table = target.entity.rawValue
        let fileFormat = table + "_" + target.format.rawValue
        var lines = [
            "-- Snowflake: an external table partitioned by the window's date folder (dt), read through a stage on the bucket.",
            "-- Create the stage once, with a storage integration that may read the bucket:",
            "--   CREATE STAGE \(SnowflakeDDL.stage) URL = 's3://\(target.bucket)/' STORAGE_INTEGRATION = <your_integration>;",
            "-- PATTERN matches the data objects and their _part-NNNN files, never the _manifest.json files.",
            "-- AUTO_REFRESH = FALSE: run ALTER EXTERNAL TABLE \(table) REFRESH; after new windows land (or set up S3 event notifications).",
            "CREATE OR REPLACE FILE FORMAT \(fileFormat)",
        ]
        lines.append(fileFormatOptions.map { "  " + $0 }.joined(separator: "\n") + ";")
        lines.append("")
        lines.append("CREATE OR REPLACE EXTERNAL TABLE \(table) (")
        let year = WarehouseDDL.yearComponent(target)
        let part = { (index: Int) in "SPLIT_PART(METADATA$FILENAME, '/', \(index))" }
        var columns = ["  dt DATE AS TO_DATE(\(part(year)) || '-' || \(part(year + 1)) || '-' || \(part(year + 2)), 'YYYY-MM-DD')"]
        columns += target.columns.enumerated().map { index, column in
            "  \(column.name) \(SnowflakeDDL.type(column)) AS (\(expression(column, position: index + 1)))"
        }
        lines.append(columns.joined(separator: ",\n"))
        lines.append(")")
        lines.append("PARTITION BY (dt)")
        lines.append("LOCATION = @\(SnowflakeDDL.stage)/\(target.entityPath)")
        lines.append("PATTERN = " + WarehouseDDL.quoted(".*/" + WarehouseDDL.dataFileRegex(target)))
        lines.append("FILE_FORMAT = (FORMAT_NAME = '\(fileFormat)')")
        lines.append("AUTO_REFRESH = FALSE;")
        return lines.joined(separator: "\n") + "\n"
    }

    private var fileFormatOptions: [String] {
        let compression = switch target.compression {
        case .gzip: "GZIP"
        case .zstd: "ZSTD"
        case .none: "NONE"
        }
        switch target.format {
        case .csv:
            return ["TYPE = CSV", "COMPRESSION = \(compression)", "FIELD_DELIMITER = ','", "SKIP_HEADER = 1",
                    // RFC 4180 quoting; an empty field is NULL, "" the empty string; no text means NULL.
                    "FIELD_OPTIONALLY_ENCLOSED_BY = '\"'", "EMPTY_FIELD_AS_NULL = TRUE", "NULL_IF = ()"]
        case .json:
            return ["TYPE = JSON", "COMPRESSION = \(compression)", "STRIP_OUTER_ARRAY = TRUE"]
        case .ndjson:
            return ["TYPE = JSON", "COMPRESSION = \(compression)"]
        case .parquet:
            // The page codec is inside the file; logical types make DECIMAL and TIMESTAMP typed values.
            return ["TYPE = PARQUET", "USE_LOGICAL_TYPE = TRUE"]
        }
    }

    /// The column's value in `VALUE`: `c{n}` for CSV, the field's name for JSON and Parquet.
    private func expression(_ column: SourceColumn, position: Int) -> String {
        let value = target.format == .csv ? "VALUE:c\(position)" : "VALUE:\"\(column.name)\""
        if column.type == .json {
            // JSON formats embed the value as JSON; CSV and Parquet hold its text.
            return target.format == .json || target.format == .ndjson ? value : "PARSE_JSON(\(value)::VARCHAR)"
        }
        return "\(value)::\(SnowflakeDDL.type(column))"
    }

    /// Snowflake's type for a column of DESIGN §5a.
    static func type(_ column: SourceColumn) -> String {
        if let decimal = column.decimal { return "NUMBER(\(decimal.precision),\(decimal.scale))" }
        switch column.type {
        case .integer: return "NUMBER(19,0)"
        case .boolean: return "BOOLEAN"
        case .timestamp: return "TIMESTAMP_TZ"
        case .json: return "VARIANT"
        case .text, .numeric, .unconstrainedNumeric, .other: return "VARCHAR"
        }
    }
}
