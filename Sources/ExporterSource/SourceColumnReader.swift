import ExporterCore
import ExporterDatabase

/// Reads an entity's columns as PostgreSQL declares them (``SourceColumn``).
///
/// Inside the export's own transaction, so it sees the rows the export reads: the catalog
/// (`pg_attribute`, domains resolved to their base type) gives each column's type, which says
/// how binary COPY sends its values, and typmod. For typed formats (`probeSpecialValues`), one
/// pass over the window then asks whether a numeric column holds `NaN` or a timestamp column
/// `±infinity`, which DECIMAL and TIMESTAMP cannot hold; it is skipped when the entity has no
/// such column, and the window column itself is bounded by the window, so it is never asked about.
/// Catalog: https://www.postgresql.org/docs/15/catalog-pg-attribute.html
struct SourceColumnReader {
    let query: EntityQuery
    let probeSpecialValues: Bool

    func read(on connection: DatabaseConnection) async throws -> [SourceColumn] {
        let selection = query.selection
        let entity = query.entity
        var declared: [String: [String: (declared: SourceColumn.DeclaredType, typeName: String)]] = [:]
        for table in Set([selection.table] + selection.joins.map(\.table)) {
            declared[table] = try await declaredTypes(of: table, on: connection)
        }
        var types: [(name: String, qualified: String, type: SourceColumn.DeclaredType, typeName: String)] = []
        for column in selection.columns {
            guard let alias = column.alias else {
                types.append((column.name, "NULL::text", .text, "text"))
                continue
            }
            let table = selection.table(of: alias)
            guard let type = declared[table]?[column.source] else {
                throw ExportError.database("table \(table) has no column \(column.source), which every \(entity.rawValue) export includes")
            }
            let qualified = selection.isPlain ? EntityQuery.quoted(column.source) : "\(alias).\(EntityQuery.quoted(column.source))"
            types.append((column.name, qualified, type.declared, type.typeName))
        }
        let probed = types.filter { column in
            guard probeSpecialValues, column.name != selection.windowColumn else { return false }
            switch column.type {
            case .numeric, .timestamp: return true
            default: return false
            }
        }
        var special = Set<String>()
        if !probed.isEmpty {
            let tests = probed.map { column -> String in
                let name = column.qualified
                let test = column.type == .timestamp ? "NOT isfinite(\(name))" : "\(name) = 'NaN'::numeric"
                return "coalesce(bool_or(\(test)), false)"
            }
            let sql = "SELECT " + tests.joined(separator: ", ") + " " + query.fromSQL
            for row in try await connection.query(query.bound(sql)) {
                for (index, column) in probed.enumerated() where try row.decode(Bool.self, at: index) {
                    special.insert(column.name)
                }
            }
        }
        return types.map {
            SourceColumn(name: $0.name, type: $0.type, typeName: $0.typeName, holdsSpecialValues: special.contains($0.name))
        }
    }

    /// Each column of `table`: its declared type and its base type's name.
    private func declaredTypes(of table: String, on connection: DatabaseConnection)
        async throws -> [String: (declared: SourceColumn.DeclaredType, typeName: String)] {
        var bindings = SQLBindings()
        bindings.append(EntityQuery.quoted(table))
        let sql = """
            SELECT a.attname::text, coalesce(base.typname, t.typname)::text,
                   CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_type base ON t.typtype = 'd' AND base.oid = t.typbasetype
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
            """
        var types: [String: (declared: SourceColumn.DeclaredType, typeName: String)] = [:]
        for row in try await connection.query(SQL(unsafeSQL: sql, binds: bindings)) {
            let (name, typeName, typmod) = try row.decode((String, String, Int32).self)
            types[name] = (Self.declaredType(typeName: typeName, typmod: typmod), typeName)
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
