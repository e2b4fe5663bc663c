import Foundation
import ExporterCore

/// The DDL that makes a connection's exported objects a table (or view) in a query engine.
///
/// Pure text from the target: no I/O, so every engine's output is checked against golden files.
/// Each generator states in its header comment which documentation its lines follow.
public enum WarehouseDDL {
    public static func ddl(_ engine: WarehouseEngine, _ target: WarehouseTarget) throws(WarehouseDDLError) -> String {
        if target.isDelta { return try deltaDDL(engine, target) }
        let body: String
        switch engine {
        case .duckdb: body = DuckDBDDL(target: target).ddl
        case .athena: body = try AthenaDDL(target: target).ddl()
        case .snowflake: body = try SnowflakeDDL(target: target).ddl()
        case .bigquery: body = try BigQueryDDL(target: target).ddl()
        case .databricks, .spark: throw notDelta(engine, target)
        }
        let header = "-- flexprice-exporter schema --engine \(engine.rawValue): connection \(target.connectionID), "
            + "entity \(target.entity.rawValue), format \(target.format.rawValue), compression \(target.compression.rawValue)\n"
            + "-- over \(target.entityLocation)\n"
        return header + body
    }

    /// Databricks and Spark get a Delta table's DDL only: over plain files they would need the
    /// date partitions and the manifests left out, which the other engines' DDL does and a Delta
    /// table's log makes moot. The fix is the connection's setting, so the message names it.
    private static func notDelta(_ engine: WarehouseEngine, _ target: WarehouseTarget) -> WarehouseDDLError {
        let format = target.format == .parquet ? "" : " (and format to \"parquet\", which a Delta table needs)"
        return WarehouseDDLError(
            connectionID: target.connectionID, field: "table_format",
            problem: "is \"\(target.tableFormat.rawValue)\", and --engine \(engine.rawValue) reads the exports only as a Delta Lake table: "
                + "set sync_config.s3.table_format to \"delta\"\(format), or use --engine duckdb, athena, snowflake or bigquery for plain files")
    }

    /// A Delta connection's DDL: every engine reads the table through its log, so none needs the
    /// date folders, a glob or the manifests.
    private static func deltaDDL(_ engine: WarehouseEngine, _ target: WarehouseTarget) throws(WarehouseDDLError) -> String {
        if target.format != .parquet {
            // The config refuses this combination; a target built by hand gets the same answer.
            throw WarehouseDDLError(connectionID: target.connectionID, field: "table_format",
                                    problem: "is \"delta\" with format \"\(target.format.rawValue)\": a Delta table's files are Parquet; set format to \"parquet\"")
        }
        let body: String
        switch engine {
        case .duckdb: body = DuckDBDeltaDDL(target: target).ddl
        case .athena: body = AthenaDeltaDDL(target: target).ddl
        case .snowflake: body = SnowflakeDeltaDDL(target: target).ddl
        case .bigquery: body = try BigQueryDeltaDDL(target: target).ddl()
        case .databricks: body = DatabricksDDL(target: target).ddl
        case .spark: body = SparkDDL(target: target).ddl
        }
        let header = "-- flexprice-exporter schema --engine \(engine.rawValue): connection \(target.connectionID), "
            + "entity \(target.entity.rawValue), Delta Lake table (table_format delta, format parquet, compression \(target.compression.rawValue))\n"
            + "-- over the table at \(target.tableLocation), its log in \(target.tableLocation)_delta_log/\n"
        return header + deltaSchemaComment(target) + body
    }

    /// The Delta table's schema as comment lines: what its log declares and every engine reads
    /// (no partition columns). The DDL names no columns; this shows them without reading the log.
    static func deltaSchemaComment(_ target: WarehouseTarget) -> String {
        let entries = target.columns.map { "\($0.name) \(deltaType($0))" }
        var lines: [String] = []
        var line = "-- The table's schema (from its log; no partition columns):"
        for (index, entry) in entries.enumerated() {
            let piece = " " + entry + (index == entries.count - 1 ? "." : ",")
            if line.count + piece.count > 118 {
                lines.append(line)
                line = "--  "
            }
            line += piece
        }
        lines.append(line)
        return lines.joined(separator: "\n") + "\n"
    }

    /// A column's Delta Lake type: the logical type of its Parquet column (DESIGN §5a).
    static func deltaType(_ column: SourceColumn) -> String {
        if let decimal = column.decimal { return "decimal(\(decimal.precision),\(decimal.scale))" }
        switch column.type {
        case .integer: return "long"
        case .boolean: return "boolean"
        case .timestamp: return "timestamp"
        case .text, .json, .numeric, .unconstrainedNumeric, .other: return "string"
        }
    }

    /// `text` as a Spark SQL string literal: Spark reads a backslash as an escape character, so a
    /// quote and a backslash are escaped with one (Databricks SQL, Spark SQL and GoogleSQL alike).
    static func backslashQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// The regular expression a data object's name matches, and a manifest's does not:
    /// `{entity}_{start}_{end}[_part-NNNN].{ext}[.gz|.zst]`.
    public static func dataFileRegex(_ target: WarehouseTarget) -> String {
        let stamp = "[0-9]{8}T[0-9]{6}Z"
        let ending = target.fileEnding.replacingOccurrences(of: ".", with: "[.]")
        return "\(target.entity.rawValue)_\(stamp)_\(stamp)(_part-[0-9]{4})?\(ending)"
    }

    /// `path` with the glob's special characters made literal (`[` as `[[]`, `*` as `[*]`, `?` as
    /// `[?]`): a key prefix such as `exports/v[1]` must name its own folder, not a character class.
    static func globLiteral(_ path: String) -> String {
        var out = ""
        for character in path {
            switch character {
            case "[", "*", "?": out += "[\(character)]"
            default: out.append(character)
            }
        }
        return out
    }

    /// `text` as a single-quoted SQL string literal.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The date folders' depth below the bucket: `yyyy` is component `prefixDepth + 2` (1-based).
    static func yearComponent(_ target: WarehouseTarget) -> Int { target.prefixDepth + 2 }
}
