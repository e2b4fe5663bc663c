import ExporterCore

/// DuckDB: a view over `read_parquet`/`read_csv`/`read_json` with a glob over the date folders.
///
/// Follows https://duckdb.org/docs/data/multiple_files/overview (globs `*`, `[...]`; a list or
/// glob read as one table; `union_by_name`), https://duckdb.org/docs/data/csv/overview (`header`,
/// `delim`, `quote`, `escape`, `compression`, `columns`, `allow_quoted_nulls`) and
/// https://duckdb.org/docs/data/json/loading_json (`format` `newline_delimited`/`array`,
/// `compression`, `columns`). DuckDB needs no partitions: the glob names the folders, and a
/// filter on the window column prunes Parquet row groups by their statistics.
struct DuckDBDDL {
    let target: WarehouseTarget

    var ddl: String {
        var lines = [
            "-- DuckDB: a view over every exported window (globs: duckdb.org/docs/data/multiple_files/overview).",
            "-- s3:// needs the httpfs extension and credentials, e.g. CREATE SECRET (TYPE s3, PROVIDER credential_chain);",
            "-- The glob matches data objects and their _part-NNNN files, never the _manifest.json files.",
            "-- A glob reads what is in the bucket now; a load that must match an export exactly reads the keys its manifest lists.",
        ]
        let name = DuckDBDDL.identifier(target.entity.rawValue)
        lines.append("CREATE OR REPLACE VIEW \(name) AS")
        lines.append("SELECT * FROM \(reader)(")
        lines.append("    " + WarehouseDDL.quoted(glob) + ",")
        lines.append(contentsOf: options.enumerated().map { index, option in
            "    " + option + (index == options.count - 1 ? "" : ",")
        })
        lines.append(");")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{entity folder}*/*/*/{entity}_*{ending}`; for `json`, whose manifests end in `.json` too,
    /// the character before `.json` must be the `Z` of `{end}` or a part number's digit
    /// (a manifest has `..._manifest.json`).
    var glob: String {
        let name = target.entity.rawValue + "_*" + (target.format == .json ? "[0-9Z]" : "") + target.fileEnding
        return WarehouseDDL.globLiteral(target.entityLocation) + "*/*/*/" + name
    }

    private var reader: String {
        switch target.format {
        case .parquet: "read_parquet"
        case .csv: "read_csv"
        case .json, .ndjson: "read_json"
        }
    }

    private var options: [String] {
        switch target.format {
        case .parquet:
            // A window whose numeric holds NaN has that column as text (DESIGN §5a): union_by_name
            // reads files whose types differ.
            return ["union_by_name = true"]
        case .csv:
            return ["header = true", "delim = ','", "quote = '\"'", "escape = '\"'",
                    // `""` is the empty string, an empty field NULL (docs/objects.md).
                    "allow_quoted_nulls = false"] + compression + [columnsOption]
        case .json, .ndjson:
            return ["format = " + (target.format == .json ? "'array'" : "'newline_delimited'")] + compression + [columnsOption]
        }
    }

    /// The whole-file codec; none names nothing (read_json spells it `uncompressed`, read_csv `none`).
    private var compression: [String] {
        switch target.compression {
        case .gzip: ["compression = 'gzip'"]
        case .zstd: ["compression = 'zstd'"]
        case .none: []
        }
    }

    private var columnsOption: String {
        let entries = target.columns.map { column in
            "        " + WarehouseDDL.quoted(column.name) + ": " + WarehouseDDL.quoted(DuckDBDDL.type(column))
        }
        return "columns = {\n" + entries.joined(separator: ",\n") + "\n    }"
    }

    /// DuckDB's type for a column in the text formats: the same logical types as the Parquet files.
    static func type(_ column: SourceColumn) -> String {
        if let decimal = column.decimal { return "DECIMAL(\(decimal.precision),\(decimal.scale))" }
        switch column.type {
        case .integer: return "BIGINT"
        case .boolean: return "BOOLEAN"
        case .timestamp: return "TIMESTAMPTZ"
        case .json: return "JSON"
        case .text, .numeric, .unconstrainedNumeric, .other: return "VARCHAR"
        }
    }

    static func identifier(_ name: String) -> String { "\"" + name + "\"" }
}
