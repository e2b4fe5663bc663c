import ExporterCore
import Foundation
import PostgresNIO

/// The rows an export should contain, read from PostgreSQL independently of the exporter:
/// every column rendered by PostgreSQL itself as text (numerics exact, timestamps in UTC, jsonb
/// as JSON text), in the export's order.
struct ExpectedRow: Sendable {
    /// Column name -> (PostgreSQL data type, text value or nil for NULL).
    let values: [String: (type: String, text: String?)]
}

extension Services {
    func expectedRows(_ entity: EntityType, tenant: String, environment: String, window: ExportWindow) async throws -> [ExpectedRow] {
        var types: [String: String] = [:]
        for try await (name, type) in try await postgres.query("""
            SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_name = \(entity.table)
            """, logger: TestServices.logger).decode((String, String).self) {
            types[name] = type
        }
        let rendered = entity.columns.map { column -> String in
            let quoted = "\"\(column)\""
            switch types[column] ?? "" {
            case "timestamp with time zone":
                return "to_char(\(quoted) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
            default:
                return "\(quoted)::text"
            }
        }
        let sql = "SELECT " + rendered.joined(separator: ", ") + " FROM \(entity.table) WHERE tenant_id = $1 AND environment_id = $2"
            + " AND \"\(entity.windowColumn)\" >= $3 AND \"\(entity.windowColumn)\" < $4 ORDER BY \"\(entity.windowColumn)\", id"
        var binds = PostgresBindings()
        binds.append(tenant)
        binds.append(environment)
        binds.append(Date(timeIntervalSince1970: TimeInterval(window.start)))
        binds.append(Date(timeIntervalSince1970: TimeInterval(window.end)))
        var result: [ExpectedRow] = []
        for try await row in try await postgres.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: TestServices.logger) {
            var values: [String: (String, String?)] = [:]
            for (index, cell) in row.enumerated() {
                let column = entity.columns[index]
                var text = try cell.decode(String?.self)
                if types[column] == "timestamp with time zone", let t = text, t.hasSuffix(".000000Z") {
                    text = String(t.dropLast(8)) + "Z"
                }
                values[column] = (types[column] ?? "", text)
            }
            result.append(ExpectedRow(values: values))
        }
        return result
    }
}

/// Compares JSON texts by value (key order and whitespace do not matter).
func sameJSON(_ a: String, _ b: String) -> Bool {
    guard let x = try? JSONSerialization.jsonObject(with: Data(a.utf8), options: [.fragmentsAllowed]),
          let y = try? JSONSerialization.jsonObject(with: Data(b.utf8), options: [.fragmentsAllowed]) else { return false }
    return NSDictionary(dictionary: ["v": x]).isEqual(to: ["v": y])
}
