import ExporterCore
import Foundation
import ExporterDatabase
import Testing

/// An entity's rows in one window as PostgreSQL itself gives them, to compare a typed (Parquet)
/// export with: each column's declared type and the Parquet type DESIGN §5a gives it, every cell
/// as PostgreSQL's own text, and per column the NULL count and bounds the file's statistics must
/// state.
///
/// Everything is derived from the catalog and the rows, never from the exporter: the columns
/// from DESIGN §2 written out literally (``DesignEntityTable``), a column's kind from its declared
/// type, and "holds NaN or infinity" from the window's values.
struct WindowSnapshot: Sendable {
    let entity: EntityType
    let columns: [SnapshotColumn]
    /// The window's rows in export order (window column, then id), each cell PostgreSQL's text
    /// in the column's ``SnapshotColumn/Kind`` (nil for NULL).
    let rows: [[String?]]
    /// Per column, in `columns` order.
    let bounds: [ColumnBounds]

    /// The spec group the reader script compares a file (or a rollover's parts) with.
    func readbackGroup(name: String, files: [String]) -> [String: Any] {
        [
            "name": name, "files": files, "columns": columns.map(\.name),
            "kinds": Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.kind.scriptName) }),
            "rows": rows.map { $0.map { cell -> Any in cell.map { $0 as Any } ?? NSNull() } },
        ]
    }
}

extension Services {
    /// The snapshot of `entity` in `window` for `tenant` and `environment`.
    func windowSnapshot(_ entity: EntityType, tenant: String, environment: String, window: ExportWindow) async throws -> WindowSnapshot {
        let design = DesignEntityTable.of(entity)
        try #require(!design.columns.isEmpty, "DESIGN §2 has no row for \(entity.rawValue)")
        var declared: [String: (type: String, precision: Int?, scale: Int?)] = [:]
        for row in try await postgres.query("""
            SELECT column_name::text, data_type::text, numeric_precision::int, numeric_scale::int
            FROM information_schema.columns WHERE table_name = \(design.table)
            """) {
            let (name, type, precision, scale) = try row.decode((String, String, Int?, Int?).self)
            declared[name] = (type, precision, scale)
        }
        let filter = " FROM \"\(design.table)\" WHERE tenant_id = $1 AND environment_id = $2"
            + " AND \"\(design.windowColumn)\" >= $3 AND \"\(design.windowColumn)\" < $4"
        func binds() -> SQLBindings {
            var binds = SQLBindings()
            binds.append(tenant)
            binds.append(environment)
            binds.append(Date(timeIntervalSince1970: TimeInterval(window.start)))
            binds.append(Date(timeIntervalSince1970: TimeInterval(window.end)))
            return binds
        }

        // Which columns hold a NaN or an infinity in this window (DESIGN §5a: those are STRING).
        let specialTests = design.columns.map { column -> String in
            let quoted = "\"\(column)\""
            return switch declared[column]?.type ?? "" {
            case "timestamp with time zone", "timestamp without time zone": "coalesce(bool_or(NOT isfinite(\(quoted))), false)"
            case "numeric": "coalesce(bool_or(\(quoted) = 'NaN'::numeric), false)"
            default: "false"
            }
        }
        let specialRow = try #require(try await postgres.query(
            SQL(unsafeSQL: "SELECT " + specialTests.joined(separator: ", ") + filter, binds: binds())).first)
        var columns: [SnapshotColumn] = []
        for (index, cell) in specialRow.enumerated() {
            let name = design.columns[index]
            let special = try cell.decode(Bool.self)
            let (type, precision, scale) = try #require(declared[name], "\(design.table).\(name) is not in the catalog")
            let kind: SnapshotColumn.Kind = switch type {
            case "timestamp with time zone": special ? .string : .micros
            case "numeric":
                if let precision, let scale, !special { .decimal(precision: precision, scale: scale) } else { .string }
            case "smallint", "integer", "bigint": .int
            case "boolean": .bool
            case "jsonb", "json": .json
            default: .string
            }
            columns.append(SnapshotColumn(name: name, dataType: type, kind: kind))
        }

        // Each cell as the file must carry it: microseconds for a typed timestamp, the exact
        // RFC 3339 text the exporter writes for one that became STRING, PostgreSQL's text otherwise.
        let rendered = columns.map { column -> String in
            let quoted = "\"\(column.name)\""
            switch (column.kind, column.dataType) {
            case (.micros, _):
                return "(extract(epoch FROM \(quoted)) * 1000000)::bigint::text"
            case (.string, "timestamp with time zone"):
                return "CASE WHEN isfinite(\(quoted)) THEN regexp_replace(to_char(\(quoted) AT TIME ZONE 'UTC', "
                    + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '\\.000000Z$', 'Z') ELSE \(quoted)::text END"
            default:
                return "\(quoted)::text"
            }
        }
        let order = " ORDER BY \"\(design.windowColumn)\", id"
        var rows: [[String?]] = []
        for row in try await postgres.query(
            SQL(unsafeSQL: "SELECT " + rendered.joined(separator: ", ") + filter + order, binds: binds())) {
            rows.append(try row.map { try $0.decode(String?.self) })
        }

        // Bounds: raw integers, booleans, exact decimals; strings by their UTF-8 bytes (COLLATE "C"
        // orders UTF-8 text bytewise, as Parquet's unsigned byte order does).
        var aggregates: [String] = []
        for (column, text) in zip(columns, rendered) {
            let quoted = "\"\(column.name)\""
            aggregates.append("(count(*) - count(\(quoted)))::int")
            switch column.kind {
            case .int, .decimal:
                aggregates += ["min(\(quoted))::text", "max(\(quoted))::text"]
            case .bool:
                aggregates += ["bool_and(\(quoted))::text", "bool_or(\(quoted))::text"]
            case .micros:
                aggregates += ["(extract(epoch FROM min(\(quoted))) * 1000000)::bigint::text",
                               "(extract(epoch FROM max(\(quoted))) * 1000000)::bigint::text"]
            case .string, .json:
                aggregates += ["encode(convert_to(min((\(text)) COLLATE \"C\"), 'UTF8'), 'hex')",
                               "encode(convert_to(max((\(text)) COLLATE \"C\"), 'UTF8'), 'hex')"]
            }
        }
        let boundsRow = try #require(try await postgres.query(
            SQL(unsafeSQL: "SELECT " + aggregates.joined(separator: ", ") + filter, binds: binds())).first)
        let cells = Array(boundsRow)
        var bounds: [ColumnBounds] = []
        for (index, column) in columns.enumerated() {
            let nulls = try cells[3 * index].decode(Int.self)
            let low = try cells[3 * index + 1].decode(String?.self)
            let high = try cells[3 * index + 2].decode(String?.self)
            func bound(_ text: String?) -> ColumnBounds.Bound? {
                guard let text else { return nil }
                return switch column.kind {
                case .int, .micros: .int(text)
                case .bool: .bool(text == "true")
                case .decimal: .decimal(text)
                case .string, .json: .bytes(hexBytes(text))
                }
            }
            bounds.append(ColumnBounds(nullCount: nulls, min: bound(low), max: bound(high)))
        }
        return WindowSnapshot(entity: entity, columns: columns, rows: rows, bounds: bounds)
    }
}

/// The bytes of lowercase or uppercase hex text (invalid pairs are skipped, which a comparison
/// then fails on).
func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = 0
    while index + 1 < digits.count {
        if let pair = UInt8(String(decoding: digits[index...(index + 1)], as: UTF8.self), radix: 16) { bytes.append(pair) }
        index += 2
    }
    return bytes
}
