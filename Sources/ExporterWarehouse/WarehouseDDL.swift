import Foundation
import ExporterCore

/// The DDL that makes a connection's exported objects a table (or view) in a query engine.
///
/// Pure text from the target: no I/O, so every engine's output is checked against golden files.
/// Each generator states in its header comment which documentation its lines follow.
public enum WarehouseDDL {
    public static func ddl(_ engine: WarehouseEngine, _ target: WarehouseTarget) throws(WarehouseDDLError) -> String {
        let body: String
        switch engine {
        case .duckdb: body = DuckDBDDL(target: target).ddl
        case .athena: body = try AthenaDDL(target: target).ddl()
        case .snowflake: body = try SnowflakeDDL(target: target).ddl()
        case .bigquery: body = try BigQueryDDL(target: target).ddl()
        }
        let header = "-- flexprice-exporter schema --engine \(engine.rawValue): connection \(target.connectionID), "
            + "entity \(target.entity.rawValue), format \(target.format.rawValue), compression \(target.compression.rawValue)\n"
            + "-- over \(target.entityLocation)\n"
        return header + body
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
