import ExporterCore
import Foundation

/// ClickHouse's form of an ``EntityQuery`` (DESIGN §2b): an explicit column list, `FINAL`
/// (FlexPrice's tables are ReplacingMergeTree, which keeps duplicates until a merge; FlexPrice
/// reads them with FINAL too), the tenant and environment scope, the half-open window on
/// `timestamp`, the order `timestamp, id`, and every value a query parameter.
/// Query parameters: https://clickhouse.com/docs/sql-reference/syntax#defining-and-using-query-parameters
public struct ClickHouseQuery: Sendable, Hashable {
    public let query: EntityQuery

    public init(_ query: EntityQuery) {
        self.query = query
    }

    /// The columns of FlexPrice's usage tables that hold JSON text in a String.
    public static let jsonTextColumns: Set<String> = ["properties"]

    /// `flexprice-exporter-<run id>`: what the run's query is called in `system.query_log`.
    public var queryID: String? {
        query.runID.map { "flexprice-exporter-\($0)" }
    }

    /// The rows, in RowBinaryWithNamesAndTypes. A column the selection leaves empty (FlexPrice's
    /// `events` shape) is a typed NULL, so the header still names it and every value is NULL.
    public var selectSQL: String {
        let selection = query.selection
        let columns = selection.columns.map { column in
            column.alias == nil ? "CAST(NULL, 'Nullable(String)') AS \(Self.quoted(column.name))" : Self.quoted(column.source)
        }.joined(separator: ", ")
        return "SELECT \(columns) \(fromSQL) ORDER BY \(Self.quoted(selection.windowColumn)), `id` FORMAT RowBinaryWithNamesAndTypes"
    }

    /// How many rows the window holds.
    public var countSQL: String {
        "SELECT count() \(fromSQL) FORMAT TabSeparated"
    }

    /// `FROM ... FINAL WHERE ...` with the four parameters of ``parameters``.
    public var fromSQL: String {
        let window = Self.quoted(query.selection.windowColumn)
        return "FROM \(Self.quoted(query.selection.table)) FINAL WHERE `tenant_id` = {tenant_id:String} "
            + "AND `environment_id` = {environment_id:String} "
            + "AND \(window) >= {window_start:DateTime('UTC')} AND \(window) < {window_end:DateTime('UTC')}"
    }

    /// The values, bound by name.
    public var parameters: [ClickHouseClient.Parameter] {
        [
            .init("tenant_id", query.tenantID),
            .init("environment_id", query.environmentID),
            .init("window_start", Self.dateTime(query.window.start)),
            .init("window_end", Self.dateTime(query.window.end)),
        ]
    }

    /// `yyyy-MM-dd HH:mm:ss` in UTC, the text form of a DateTime parameter.
    static func dateTime(_ seconds: Int64) -> String {
        var days = seconds / 86_400
        var inDay = seconds % 86_400
        if inDay < 0 {
            days -= 1
            inDay += 86_400
        }
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(CivilDate(daysSinceEpoch: days).isoDate) \(two(inDay / 3_600)):\(two(inDay / 60 % 60)):\(two(inDay % 60))"
    }

    /// Identifier quoting; the names come from ``EntityType``, never from input.
    static func quoted(_ identifier: String) -> String {
        "`" + identifier.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "`", with: "\\`") + "`"
    }
}
