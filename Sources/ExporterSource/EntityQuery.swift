import ExporterCore
import Foundation
import ExporterDatabase

/// PostgreSQL's form of an ``EntityQuery``: SQL with bind parameters.
extension EntityQuery {
    /// The SELECT: an explicit column list, every value a bind parameter ($1 tenant, $2
    /// environment, $3 window start, $4 window end), the half-open window, and an order on a unique
    /// key (window column, then the primary key `id`) so the cursor never skips or repeats a row.
    public var selectSQL: String {
        let columns = entity.columns.map(Self.quoted).joined(separator: ", ")
        let windowColumn = Self.quoted(entity.windowColumn)
        return "SELECT \(columns) \(fromSQL) ORDER BY \(windowColumn), \"id\""
    }

    /// The window's rows, without an order: `FROM ... WHERE ...` with the same four parameters.
    public var fromSQL: String {
        let table = Self.quoted(entity.table)
        let windowColumn = Self.quoted(entity.windowColumn)
        return "FROM \(table) WHERE \"tenant_id\" = $1 AND \"environment_id\" = $2 "
            + "AND \(windowColumn) >= $3 AND \(windowColumn) < $4"
    }

    /// `selectSQL` with its four parameters bound; `prefix` and `suffix` wrap it (COPY, a count).
    public func query(_ prefix: String = "", suffix: String = "") -> SQL {
        bound(prefix + selectSQL + suffix)
    }

    /// The rows as PostgreSQL's binary COPY stream: one tuple per CopyData message, every value
    /// in its type's binary send format (https://www.postgresql.org/docs/15/sql-copy.html).
    public var copySQL: SQL {
        query("COPY (", suffix: ") TO STDOUT (FORMAT binary)")
    }

    /// `sql`, which uses `$1`...`$4` as ``fromSQL`` does, with the four parameters bound.
    public func bound(_ sql: String) -> SQL {
        var bindings = SQLBindings()
        bindings.append(tenantID)
        bindings.append(environmentID)
        bindings.append(Date(timeIntervalSince1970: TimeInterval(window.start)))
        bindings.append(Date(timeIntervalSince1970: TimeInterval(window.end)))
        return SQL(unsafeSQL: sql, binds: bindings)
    }

    /// SQL identifier quoting; the names come from ``EntityType``, never from input.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
