import ExporterCore
import Foundation
import ExporterDatabase

/// One `export_runs` row as `status` shows it.
public struct RunRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var connectionID: String
    public var entity: String
    public var windowStart: String
    public var windowEnd: String
    public var trigger: String
    public var status: String
    public var attempt: Int
    public var startedAt: String
    public var finishedAt: String?
    public var durationSeconds: Double?
    public var rowCount: Int64?
    public var bytesUploaded: Int64?
    public var manifestKey: String?
    public var errorCode: String?
    public var errorMessage: String?

    enum CodingKeys: String, CodingKey {
        case id, entity, trigger, status, attempt
        case connectionID = "connection_id"
        case windowStart = "window_start"
        case windowEnd = "window_end"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationSeconds = "duration_seconds"
        case rowCount = "row_count"
        case bytesUploaded = "bytes_uploaded"
        case manifestKey = "manifest_key"
        case errorCode = "error_code"
        case errorMessage = "error_message"
    }
}

extension RunHistory {
    /// The newest runs, newest first; `latestPerStream` keeps only the newest of each
    /// (connection, entity), `succeededOnly` only successes.
    public func runs(connectionID: String?, latestPerStream: Bool = false, succeededOnly: Bool = false,
                     limit: Int = 1_000) async throws -> [RunRecord] {
        var sql = """
            SELECT id, connection_id, entity_type, window_start, window_end, "trigger", status, attempt, started_at,
                   finished_at, row_count, bytes_uploaded, manifest_key, error_code, error_message
            FROM export_runs WHERE ($1::text IS NULL OR connection_id = $1)
            """
        if succeededOnly { sql += " AND status = 'succeeded'" }
        if latestPerStream {
            sql = "SELECT * FROM (SELECT DISTINCT ON (connection_id, entity_type) * FROM (\(sql)) r "
                + "ORDER BY connection_id, entity_type, \(succeededOnly ? "window_end DESC, " : "")id DESC) latest "
                + "ORDER BY connection_id, entity_type"
        } else {
            sql += " ORDER BY id DESC LIMIT \(max(1, limit))"
        }
        var binds = SQLBindings()
        binds.append(connectionID)
        return try await ExportError.whileUsingDatabase("reading export_runs") {
            var records: [RunRecord] = []
            for row in try await client.query(SQL(unsafeSQL: sql, binds: binds)) {
                let (id, connection, entity, start, end, trigger, status, attempt, started, finished, rowCount, bytes, manifest, code, message)
                    = try row.decode((Int64, String, String, Date, Date, String, String, Int, Date, Date?, Int64?, Int64?, String?, String?, String?).self)
                records.append(RunRecord(
                    id: id, connectionID: connection, entity: entity, windowStart: Timestamp.rfc3339(seconds: start.seconds),
                    windowEnd: Timestamp.rfc3339(seconds: end.seconds), trigger: trigger, status: status, attempt: attempt,
                    startedAt: Timestamp.rfc3339(micros: started.micros), finishedAt: finished.map { Timestamp.rfc3339(micros: $0.micros) },
                    durationSeconds: finished.map { ($0.timeIntervalSince(started) * 1000).rounded() / 1000 },
                    rowCount: rowCount, bytesUploaded: bytes, manifestKey: manifest, errorCode: code, errorMessage: message))
            }
            return records
        }
    }
}

extension Date {
    var micros: Int64 { Int64((timeIntervalSince1970 * 1_000_000).rounded()) }
}
