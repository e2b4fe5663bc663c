import ExporterCore
import ExporterDatabase
import Logging

/// Reads FlexPrice's `scheduled_tasks` (EXPORTER_FLEXPRICE_SCHEDULED_TASKS): every enabled,
/// published task of a published `s3` connection, the way current FlexPrice defines its exports.
///
/// Like ``ConnectionCatalog`` it decides nothing: a task whose `job_config`, `entity_type` or
/// `interval` cannot be used is returned all the same, and fails as its own stream.
public struct ScheduledTaskCatalog: Sendable {
    private let client: DatabasePool

    public init(client: DatabasePool) {
        self.client = client
    }

    /// The tasks (of one connection, or all), ordered by connection and task id.
    ///
    /// - Throws: ``ExportError/config(connection:field:problem:)``-free database errors only; a
    ///   database without FlexPrice's `scheduled_tasks` is a configuration error the caller
    ///   reports at start (see ``tableExists()``).
    public func enabledTasks(connectionID: String? = nil) async throws -> [ScheduledTask] {
        try await ExportError.whileUsingDatabase("reading FlexPrice's scheduled_tasks") {
            try await client.query("""
                SELECT t.id, t.connection_id, t.entity_type, t."interval", t.job_config::text
                FROM scheduled_tasks t
                JOIN connections c ON c.id = t.connection_id AND c.provider_type = 's3' AND c.status = 'published'
                WHERE t.status = 'published' AND t.enabled
                  AND (\(connectionID)::text IS NULL OR t.connection_id = \(connectionID))
                ORDER BY t.connection_id, t.id
                """).map { row in
                let (id, connection, entity, interval, jobConfig) = try row.decode((String, String, String, String, String?).self)
                return ScheduledTask(id: id, connectionID: connection, entityType: entity, interval: interval, jobConfig: jobConfig)
            }
        }
    }

    /// One task by id, whatever its state (for `sync --scheduled-task`, which says why it is not
    /// exported); nil when there is none.
    public func task(id: String) async throws -> (task: ScheduledTask, enabled: Bool, status: String)? {
        try await ExportError.whileUsingDatabase("reading FlexPrice's scheduled_tasks") {
            guard let row = try await client.query("""
                SELECT id, connection_id, entity_type, "interval", job_config::text, enabled, status
                FROM scheduled_tasks WHERE id = \(id)
                """).first else { return nil }
            let (id, connection, entity, interval, jobConfig, enabled, status)
                = try row.decode((String, String, String, String, String?, Bool, String).self)
            return (ScheduledTask(id: id, connectionID: connection, entityType: entity, interval: interval, jobConfig: jobConfig),
                    enabled, status)
        }
    }

    /// Whether task `id` is still enabled and published: a stream catching up stops between two
    /// windows when the task is paused or deleted (the run under way finishes).
    public func isEnabled(id: String) async throws -> Bool {
        try await ExportError.whileUsingDatabase("reading FlexPrice's scheduled_tasks") {
            try await client.query("""
                SELECT EXISTS (SELECT 1 FROM scheduled_tasks WHERE id = \(id) AND enabled AND status = 'published')
                """).first?.decode(Bool.self) ?? false
        }
    }

    /// Whether FlexPrice's `scheduled_tasks` is in this database (checked at start when the
    /// option is on: a missing table is a configuration error, exit 78).
    public func tableExists() async throws -> Bool {
        try await ExportError.whileUsingDatabase("checking FlexPrice's scheduled_tasks table") {
            try await client.query("SELECT to_regclass('scheduled_tasks') IS NOT NULL").first?.decode(Bool.self) ?? false
        }
    }
}
