import ExporterCore
import Foundation
import ExporterDatabase

/// PostgreSQL's form of an ``EntityQuery``: SQL with bind parameters.
extension EntityQuery {
    /// The SELECT: an explicit column list, every value a bind parameter ($1 tenant, $2
    /// environment, $3 window start, $4 window end, then the selection's constant filters), the
    /// half-open window, and an order on a unique key (window column, then the primary key `id`)
    /// so the cursor never skips or repeats a row. A plain selection (one table, its own column
    /// names) is spelled without aliases.
    public var selectSQL: String {
        let s = selection
        let columns = s.columns.map { column -> String in
            guard let alias = column.alias else { return "NULL::text AS \(Self.quoted(column.name))" }
            if s.isPlain { return Self.quoted(column.name) }
            return "\(alias).\(Self.quoted(column.source)) AS \(Self.quoted(column.name))"
        }.joined(separator: ", ")
        let windowColumn = column(s.windowColumn)
        return "SELECT \(columns) \(fromSQL) ORDER BY \(windowColumn), \(column("id"))"
    }

    /// The window's rows, without an order: `FROM ... WHERE ...` with the parameters of ``bound(_:)``.
    public var fromSQL: String {
        let s = selection
        var from = "FROM \(Self.quoted(s.table))"
        if !s.isPlain { from += " \(s.alias)" }
        for join in s.joins {
            from += " JOIN \(Self.quoted(join.table)) \(join.alias) ON \(join.alias).\(Self.quoted(join.column)) = "
                + "\(join.parentAlias).\(Self.quoted(join.parentColumn))"
        }
        let windowColumn = column(s.windowColumn)
        var conditions = ["\(column("tenant_id")) = $1", "\(column("environment_id")) = $2"]
        for (index, filter) in s.filters.enumerated() {
            conditions.append("\(column(filter.column)) = $\(index + 5)")
        }
        conditions += ["\(windowColumn) >= $3", "\(windowColumn) < $4"]
        return from + " WHERE " + conditions.joined(separator: " AND ")
    }

    /// A column of the main table, qualified when the query has aliases.
    private func column(_ name: String) -> String {
        selection.isPlain ? Self.quoted(name) : "\(selection.alias).\(Self.quoted(name))"
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

    /// `sql`, which uses `$1`...`$4` (and the filters' `$5`...) as ``fromSQL`` does, with the parameters bound.
    public func bound(_ sql: String) -> SQL {
        var bindings = SQLBindings()
        bindings.append(tenantID)
        bindings.append(environmentID)
        bindings.append(Date(timeIntervalSince1970: TimeInterval(window.start)))
        bindings.append(Date(timeIntervalSince1970: TimeInterval(window.end)))
        for filter in selection.filters { bindings.append(filter.value) }
        return SQL(unsafeSQL: sql, binds: bindings)
    }

    /// SQL identifier quoting; the names come from ``EntityType`` and ``ExportSelection``, never from input.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
