import ExporterCore

/// Athena: an external table with partition projection over the `yyyy/MM/dd` folders.
///
/// Follows https://docs.aws.amazon.com/athena/latest/ug/create-table.html (CREATE EXTERNAL
/// TABLE), https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html
/// (`date` projection: `format`, `range`, `interval`, `interval.unit`) and the CloudTrail example
/// of https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
/// (`yyyy/MM/dd` folders as one date-projected partition through `storage.location.template`).
///
/// Athena reads every object under a partition's folder; it skips only names starting with `_`
/// or `.`, so the `_manifest.json` files beside the data are read too. For CSV and NDJSON the
/// manifest's lines become rows of the raw table, and the typed view drops them by `"$path"`.
/// A Parquet reader fails on a non-Parquet file, so the Parquet table reads symlink lists instead
/// (Hive's SymlinkTextInputFormat, as Athena's tables over S3 Inventory do), one per window, which
/// the exporter writes with `athena_symlinks` (``AthenaSymlinkList``).
struct AthenaDDL {
    let target: WarehouseTarget

    func ddl() throws(WarehouseDDLError) -> String {
        switch target.format {
        case .json:
            throw WarehouseDDLError(connectionID: target.connectionID, field: "format",
                                    problem: "is json (one array per file), which Athena cannot read: its JSON SerDes read one object per line; set format to ndjson (or parquet)")
        case .parquet: return parquet
        case .csv, .ndjson: return text
        }
    }

    private var table: String { target.entity.rawValue }

    private var parquet: String {
        let bucketURL = "s3://\(target.bucket)/"
        let layout = ObjectKeyLayout(keyPrefix: target.keyPrefix)
        let example = ExportWindow(start: 1_795_132_800, end: 1_795_219_200) // 2026-11-20, a daily window
        let manifest = layout.manifestKey(entity: target.entity, window: example)
        let list = bucketURL + layout.athenaSymlinkKey(entity: target.entity, window: example)
        var lines = [
            "-- Athena: a Parquet table with partition projection on the yyyy/MM/dd folders (dt = '2026/11/20').",
            "-- Athena reads every object in a folder and cannot skip the _manifest.json files, which are not Parquet,",
            "-- so this table reads symlink lists instead: one per window, one s3:// URL per data object.",
        ]
        if target.athenaSymlinks {
            lines += [
                "-- The exporter writes them (this connection's sync_config.s3.athena_symlinks is true), before each manifest.",
                "-- A window exported before athena_symlinks was set has none: re-export it (backfill --force), or build its",
                "-- list from its manifest:",
            ]
        } else {
            lines += [
                "-- This connection's sync_config.s3.athena_symlinks is not true, so the exporter does not write them: set it to",
                "-- true and every export from then on writes its window's list. For a window exported before, re-export it",
                "-- (backfill --force), or build its list from its manifest:",
            ]
        }
        lines += [
            "--   m=\(manifest)",
            "--   aws s3 cp \"\(bucketURL)$m\" - | jq -r '.objects[].key | \"\(bucketURL)\" + .' \\",
            "--     | aws s3 cp - \(list)",
            "-- Timestamps are UTC instants (isAdjustedToUTC); a window whose numeric(p,s) holds NaN, or whose timestamp holds",
            "-- infinity, has that column as text in its files (docs/objects.md), which this table's type cannot read.",
            "CREATE EXTERNAL TABLE IF NOT EXISTS \(AthenaDDL.identifier(table)) (",
        ]
        lines.append(columnList { AthenaDDL.type($0) })
        lines.append(")")
        lines.append("PARTITIONED BY (`dt` string)")
        lines.append("ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'")
        lines.append("STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'")
        lines.append("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'")
        lines.append("LOCATION " + WarehouseDDL.quoted(target.athenaSymlinkLocation))
        lines.append(projection(location: target.athenaSymlinkLocation, extra: []) + ";")
        return lines.joined(separator: "\n") + "\n"
    }

    private var text: String {
        let raw = table + "_raw"
        let csv = target.format == .csv
        var lines = [
            "-- Athena: a raw table of text columns with partition projection on the yyyy/MM/dd folders (dt = '2026/11/20'),",
            "-- and a typed view over it. Athena reads every object in a folder, the _manifest.json files too: the view drops",
            "-- their lines by \"$path\". Compression is found from the extension (.gz, .zst; ZSTD needs engine version 3).",
        ]
        if csv {
            lines += [
                "-- OpenCSVSerDe reads RFC 4180 quoting but gives an empty string for an empty field and for \"\", so the view",
                "-- reads both as NULL; it takes a backslash as an escape character, so a value holding one loses it (a jsonb",
                "-- value with an escaped quote stops being JSON), and it does not read a line break inside a quoted value (the",
                "-- row is split). Use ndjson or parquet for such data. Timestamps are RFC 3339 text, parsed by",
                "-- from_iso8601_timestamp (milliseconds).",
            ]
        } else {
            lines += [
                "-- The OpenX JSON SerDe reads one object per line; ignore.malformed.json makes the manifest's lines NULL rows,",
                "-- which the view drops. A jsonb value arrives as its JSON text. Timestamps are parsed by from_iso8601_timestamp",
                "-- (milliseconds).",
            ]
        }
        lines.append("CREATE EXTERNAL TABLE IF NOT EXISTS \(AthenaDDL.identifier(raw)) (")
        lines.append(columnList { _ in "string" })
        lines.append(")")
        lines.append("PARTITIONED BY (`dt` string)")
        var extra: [String] = []
        if csv {
            lines.append("ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'")
            lines.append("WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '\"')")
            extra.append("'skip.header.line.count' = '1'")
        } else {
            lines.append("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'")
            lines.append("WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true')")
        }
        lines.append("STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'")
        lines.append("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'")
        lines.append("LOCATION " + WarehouseDDL.quoted(target.entityLocation))
        lines.append(projection(location: target.entityLocation, extra: extra) + ";")
        lines.append("")
        lines.append("CREATE OR REPLACE VIEW \"\(table)\" AS")
        lines.append("SELECT")
        let selects = target.columns.map { column in "    " + viewExpression(column, csv: csv) + " AS \"\(column.name)\"" } + ["    \"dt\""]
        lines.append(selects.joined(separator: ",\n"))
        lines.append("FROM \"\(raw)\"")
        lines.append("WHERE \"$path\" NOT LIKE '%manifest.json';")
        return lines.joined(separator: "\n") + "\n"
    }

    private func columnList(_ type: (SourceColumn) -> String) -> String {
        target.columns.map { "  " + AthenaDDL.identifier($0.name) + " " + type($0) }.joined(separator: ",\n")
    }

    private func projection(location: String, extra: [String]) -> String {
        let properties = extra + [
            "'projection.enabled' = 'true'",
            "'projection.dt.type' = 'date'",
            "'projection.dt.format' = 'yyyy/MM/dd'",
            "'projection.dt.range' = '2020/01/01,NOW'",
            "'projection.dt.interval' = '1'",
            "'projection.dt.interval.unit' = 'DAYS'",
            "'storage.location.template' = " + WarehouseDDL.quoted(location + "${dt}/"),
        ]
        return "TBLPROPERTIES (\n" + properties.map { "  " + $0 }.joined(separator: ",\n") + "\n)"
    }

    /// The view's typed expression for a raw text column.
    private func viewExpression(_ column: SourceColumn, csv: Bool) -> String {
        let raw = csv ? "NULLIF(\"\(column.name)\", '')" : "\"\(column.name)\""
        if let decimal = column.decimal { return "CAST(\(raw) AS decimal(\(decimal.precision),\(decimal.scale)))" }
        switch column.type {
        case .integer: return "CAST(\(raw) AS bigint)"
        case .boolean: return "CAST(\(raw) AS boolean)"
        case .timestamp: return "CAST(from_iso8601_timestamp(\(raw)) AS timestamp)"
        case .text, .json, .numeric, .unconstrainedNumeric, .other: return raw
        }
    }

    /// Athena's (Hive DDL) type for a Parquet column of DESIGN §5a.
    static func type(_ column: SourceColumn) -> String {
        if let decimal = column.decimal { return "decimal(\(decimal.precision),\(decimal.scale))" }
        switch column.type {
        case .integer: return "bigint"
        case .boolean: return "boolean"
        case .timestamp: return "timestamp"
        case .text, .json, .numeric, .unconstrainedNumeric, .other: return "string"
        }
    }

    /// Hive DDL quotes identifiers with backticks (`timestamp` is a reserved word).
    static func identifier(_ name: String) -> String { "`" + name + "`" }
}
