import ExporterCore
import Logging
import PostgresNIO

/// Reads an entity's columns as PostgreSQL declares them (``SourceColumn``), for typed formats.
///
/// Two queries inside the export's own transaction, so they see the rows the export reads:
/// the catalog (`pg_attribute`, domains resolved to their base type) for each column's type and
/// typmod, and one pass over the window that asks whether a numeric column holds `NaN` or a
/// timestamp column `±infinity`, which DECIMAL and TIMESTAMP cannot hold. The second is skipped
/// when the entity has no such column; the window column itself is bounded by the window, so it
/// is never asked about.
/// Catalog: https://www.postgresql.org/docs/15/catalog-pg-attribute.html
struct SourceColumnReader {
    let query: EntityQuery
    let logger: Logger

    func read(on connection: PostgresConnection) async throws -> [SourceColumn] {
        let declared = try await declaredTypes(on: connection)
        let entity = query.entity
        var types: [(name: String, type: SourceColumn.DeclaredType)] = []
        for name in entity.columns {
            guard let type = declared[name] else {
                throw ExportError.database("table \(entity.table) has no column \(name), which DESIGN §2 exports")
            }
            types.append((name, type))
        }
        let probed = types.filter { column in
            guard column.name != entity.windowColumn else { return false }
            switch column.type {
            case .numeric, .timestamp: return true
            default: return false
            }
        }
        var special = Set<String>()
        if !probed.isEmpty {
            let tests = probed.map { column -> String in
                let name = EntityQuery.quoted(column.name)
                let test = column.type == .timestamp ? "NOT isfinite(\(name))" : "\(name) = 'NaN'::numeric"
                return "coalesce(bool_or(\(test)), false)"
            }
            let sql = "SELECT " + tests.joined(separator: ", ") + " " + query.fromSQL
            let rows = try await connection.rowsUnlessClosed(query.bound(sql), logger: logger)
            for row in rows {
                for (column, cell) in zip(probed, row) where try cell.decode(Bool.self) {
                    special.insert(column.name)
                }
            }
        }
        return types.map { SourceColumn(name: $0.name, type: $0.type, holdsSpecialValues: special.contains($0.name)) }
    }

    /// Each column's base type name and typmod.
    private func declaredTypes(on connection: PostgresConnection) async throws -> [String: SourceColumn.DeclaredType] {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(EntityQuery.quoted(query.entity.table))
        let sql = """
            SELECT a.attname::text, coalesce(base.typname, t.typname)::text,
                   CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_type base ON t.typtype = 'd' AND base.oid = t.typbasetype
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
            """
        let rows = try await connection.rowsUnlessClosed(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        var types: [String: SourceColumn.DeclaredType] = [:]
        for row in rows {
            let (name, typeName, typmod) = try row.decode((String, String, Int32).self)
            types[name] = Self.declaredType(typeName: typeName, typmod: typmod)
        }
        return types
    }

    /// PostgreSQL's type name and typmod as the exporter's ``SourceColumn/DeclaredType``.
    /// numeric's typmod is `((precision << 16) | (scale & 0x7FF)) + 4` (`make_numeric_typmod`,
    /// src/backend/utils/adt/numeric.c), the scale an 11-bit signed value; -1 means undeclared.
    static func declaredType(typeName: String, typmod: Int32) -> SourceColumn.DeclaredType {
        switch typeName {
        case "text", "varchar", "bpchar", "name", "uuid", "date", "citext": .text
        case "int2", "int4", "int8": .integer
        case "bool": .boolean
        case "timestamptz", "timestamp": .timestamp
        case "json", "jsonb": .json
        case "numeric":
            if typmod < 4 {
                .unconstrainedNumeric
            } else {
                .numeric(precision: Int(((typmod - 4) >> 16) & 0xFFFF),
                         scale: Int((((typmod - 4) & 0x7FF) ^ 1024) - 1024))
            }
        default: .other
        }
    }
}
