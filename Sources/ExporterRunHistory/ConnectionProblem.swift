import ExporterCore
import ExporterDatabase
import Foundation

/// A connection that cannot be exported at all: its `sync_config` cannot be read, or its
/// credentials cannot be decrypted. One row of `connection_problems` per distinct problem.
///
/// Such a connection has no runs: recording a failed run per entity on every pass flooded
/// `export_runs` (and FlexPrice's `tasks`) with the same sentence. A problem is recorded once, when
/// it appears or changes (another error, or the tenant edited the connection: `updated_at`), seen
/// again on later passes (`last_seen_at`), and resolved when the connection reads cleanly.
public struct ConnectionProblem: Sendable, Codable, Hashable {
    public var id: Int64
    public var connectionID: String
    public var errorCode: String
    public var errorMessage: String
    public var firstSeenAt: String
    public var lastSeenAt: String

    enum CodingKeys: String, CodingKey {
        case id
        case connectionID = "connection_id"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case firstSeenAt = "first_seen_at"
        case lastSeenAt = "last_seen_at"
    }
}

extension RunHistory {
    /// Records that `connection` cannot be exported because of `error`; returns true when this
    /// is a new problem (none was open, or the open one had another error or an older version of
    /// the connection), which the caller logs at error level, and false when it was already known.
    @discardableResult
    public func recordProblem(_ connection: ExportConnection, _ error: ExportError) async throws -> Bool {
        let updatedAt = connection.updatedAtMicros.map { Date(timeIntervalSince1970: Double($0) / 1_000_000) }
        return try await ExportError.whileUsingDatabase("recording a connection problem in connection_problems") {
            try await client.transaction { db in
                _ = try await db.query("""
                    SELECT pg_advisory_xact_lock(hashtextextended('connection_problems/' || \(connection.id), 0))
                    """)
                let same = try await db.query("""
                    UPDATE connection_problems SET last_seen_at = now()
                    WHERE connection_id = \(connection.id) AND resolved_at IS NULL AND error_code = \(error.code)
                      AND error_message = \(error.message) AND connection_updated_at IS NOT DISTINCT FROM \(updatedAt)
                    RETURNING id
                    """)
                if !same.isEmpty { return false }
                _ = try await db.query("""
                    UPDATE connection_problems SET resolved_at = now()
                    WHERE connection_id = \(connection.id) AND resolved_at IS NULL
                    """)
                _ = try await db.query("""
                    INSERT INTO connection_problems (connection_id, tenant_id, environment_id, connection_updated_at,
                        error_code, error_message, worker)
                    VALUES (\(connection.id), \(connection.tenantID), \(connection.environmentID), \(updatedAt),
                        \(error.code), \(error.message), \(worker))
                    """)
                return true
            }
        }
    }

    /// Marks the open problems of `connectionIDs` (connections that read cleanly now) resolved.
    public func resolveProblems(connectionIDs: [String]) async throws {
        guard !connectionIDs.isEmpty else { return }
        try await execute("""
            UPDATE connection_problems SET resolved_at = now()
            WHERE resolved_at IS NULL AND connection_id = ANY(\(connectionIDs))
            """, what: "resolving connection problems")
    }

    /// Marks resolved the open problems of every id but `present` (the connections and scheduled
    /// tasks a full pass saw): a connection deleted or unpublished, a task disabled or deleted, is
    /// no longer exported, so its problem is over; left open, it would keep an alert firing for
    /// something nobody exports.
    public func resolveProblems(ofAllBut present: [String]) async throws {
        try await execute("""
            UPDATE connection_problems SET resolved_at = now()
            WHERE resolved_at IS NULL AND NOT (connection_id = ANY(\(present)))
            """, what: "resolving the problems of connections and tasks no longer exported")
    }

    /// The open problems (one connection's, or all), by connection.
    public func openProblems(connectionID: String?) async throws -> [ConnectionProblem] {
        try await ExportError.whileUsingDatabase("reading connection_problems") {
            try await client.query("""
                SELECT id, connection_id, error_code, error_message, first_seen_at, last_seen_at FROM connection_problems
                WHERE resolved_at IS NULL AND (\(connectionID)::text IS NULL OR connection_id = \(connectionID))
                ORDER BY connection_id
                """).map { row in
                let (id, connection, code, message, first, last) = try row.decode((Int64, String, String, String, Date, Date).self)
                return ConnectionProblem(id: id, connectionID: connection, errorCode: code, errorMessage: message,
                                         firstSeenAt: Timestamp.rfc3339(micros: first.micros),
                                         lastSeenAt: Timestamp.rfc3339(micros: last.micros))
            }
        }
    }
}
