import ExporterCore
import Foundation
import ExporterDatabase

/// The mirror of each run in FlexPrice's own `tasks` table (DESIGN §6a, opt-in with
/// `EXPORTER_FLEXPRICE_TASKS=true`), so FlexPrice's dashboard and `GET /v1/tasks` list the
/// exporter's runs as they list the exports of FlexPrice's own exporter.
///
/// Every method takes the open connection of a ``RunHistory`` transaction: the task row moves
/// PROCESSING -> COMPLETED / FAILED in the same transaction as its `export_runs` row moves
/// running -> succeeded / failed / abandoned, so the two never disagree (both change, or
/// neither). That is why the mirror lives here, called by ``RunHistory``, and is not a second
/// ``RunRecorder`` beside it: a recorder of its own would commit apart from `export_runs`.
public struct FlexpriceTasks: Sendable {
    /// FlexPrice's system user (`types.DefaultUserID`), which its scheduled exports record as
    /// `created_by` and `updated_by`.
    public static let systemUser = "00000000-0000-0000-0000-000000000000"
    /// The columns the exporter writes, all of FlexPrice's `tasks` at HEAD (ent/schema/task.go
    /// with its base and environment mixins); ``verify(_:)`` checks that each is there.
    static let columns = [
        "id", "tenant_id", "status", "created_at", "updated_at", "created_by", "updated_by", "environment_id",
        "task_type", "entity_type", "scheduled_task_id", "workflow_id", "file_url", "file_name", "file_type",
        "task_status", "total_records", "processed_records", "successful_records", "failed_records", "error_summary",
        "metadata", "started_at", "completed_at", "failed_at",
    ]

    /// Names each task `task_<ULID>`, as FlexPrice does (`types.GenerateUUIDWithPrefix("task")`).
    let ids: ULIDGenerator

    public init(ids: ULIDGenerator = .system) {
        self.ids = ids
    }

    /// Checks, at the start of `run`, `sync` and `backfill`, that the table is there with its
    /// columns and that this role may write it (INSERT, UPDATE, and SELECT on `id`): a missing
    /// table or privilege is a configuration error (exit 78), not a failure of every run, which
    /// could not even be recorded (the task is written in the run's own transaction).
    ///
    /// - Throws: ``SchemaError/flexpriceTasksUnusable(_:)`` saying what is wrong.
    public func verify(_ client: DatabasePool) async throws {
        let (exists, missing, writable) = try await ExportError.whileUsingDatabase("checking FlexPrice's tasks table") {
            let row = try await client.query("""
                SELECT to_regclass('tasks') IS NOT NULL,
                       coalesce((SELECT array_to_string(array_agg(c ORDER BY n), ', ')
                                 FROM unnest(\(Self.columns)::text[]) WITH ORDINALITY AS u(c, n)
                                 WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = to_regclass('tasks')
                                                   AND a.attname = u.c AND NOT a.attisdropped)), ''),
                       coalesce(has_table_privilege(to_regclass('tasks')::oid, 'INSERT')
                                AND has_table_privilege(to_regclass('tasks')::oid, 'UPDATE')
                                AND has_column_privilege(to_regclass('tasks')::oid, 'id', 'SELECT'), false)
                """).first
            guard let row else { throw ExportError.database("checking FlexPrice's tasks table returned no row") }
            return try row.decode((Bool, String, Bool).self)
        }
        if !exists {
            throw SchemaError.flexpriceTasksUnusable("FlexPrice's table tasks does not exist in this database")
        }
        if !missing.isEmpty {
            throw SchemaError.flexpriceTasksUnusable("FlexPrice's table tasks lacks the columns \(missing)")
        }
        if !writable {
            // SELECT on id too: the insert returns it and the updates find the row by it.
            throw SchemaError.flexpriceTasksUnusable("this role may not INSERT and UPDATE FlexPrice's table tasks and SELECT its column id")
        }
    }

    /// Inserts run `runID`'s task as PROCESSING and records its id in `export_runs.flexprice_task_id`,
    /// in the transaction that inserted the run. Tenant, environment, entity and the start time
    /// are the run row's own; `scheduled_task_id` is the stream's FlexPrice scheduled task, so
    /// FlexPrice's `GET /v1/tasks/{id}/download` finds the credentials through it.
    @discardableResult
    func open(runID: Int64, key: RunKey, on connection: DatabaseConnection) async throws -> String {
        let id = "task_\(ids.next())"
        let metadata = try FlexpriceTaskMetadata(window: key.window, exportRunID: runID).json()
        let fileType = (key.format ?? .csv).flexpriceFileType
        let entityType = key.entity.flexpriceEntityType
        _ = try await connection.query("""
            WITH task AS (
                INSERT INTO tasks (id, tenant_id, status, created_at, updated_at, created_by, updated_by, environment_id,
                    task_type, entity_type, scheduled_task_id, workflow_id, file_url, file_name, file_type, task_status,
                    total_records, processed_records, successful_records, failed_records, error_summary, metadata,
                    started_at, completed_at, failed_at)
                SELECT \(id), r.tenant_id, 'published', r.started_at, r.started_at, \(Self.systemUser), \(Self.systemUser),
                    r.environment_id, 'EXPORT', \(entityType), \(key.scheduledTaskID), NULL, '', NULL, \(fileType), 'PROCESSING',
                    NULL, 0, 0, 0, NULL, \(metadata)::jsonb, r.started_at, NULL, NULL
                FROM export_runs r WHERE r.id = \(runID)
                RETURNING id)
            UPDATE export_runs SET flexprice_task_id = (SELECT id FROM task) WHERE id = \(runID)
            """)
        return id
    }

    /// Marks task `taskID` COMPLETED with the run's file and figures, in the transaction that
    /// recorded the run succeeded at `finishedAt` (the transaction's `now()`).
    func complete(_ taskID: String, runID: Int64, key: RunKey, outcome: RunOutcome, finishedAt: Date,
                  on connection: DatabaseConnection) async throws {
        let file = FlexpriceTaskFile(bucket: key.bucket ?? "", key: outcome.objectKey)
        let metadata = try FlexpriceTaskMetadata(window: key.window, exportRunID: runID)
            .completed(fileSizeBytes: outcome.bytesRaw, completedAtMicros: finishedAt.micros, manifestKey: outcome.manifestKey)
            .json()
        _ = try await connection.query("""
            UPDATE tasks SET task_status = 'COMPLETED', file_url = \(key.bucket == nil ? "" : file.url),
                file_name = \(file.name), total_records = \(outcome.rowCount), processed_records = \(outcome.rowCount),
                successful_records = \(outcome.rowCount), failed_records = 0, error_summary = NULL,
                metadata = \(metadata)::jsonb, completed_at = now(), failed_at = NULL, updated_at = now(),
                updated_by = \(Self.systemUser)
            WHERE id = \(taskID)
            """)
    }

    /// Marks task `taskID` FAILED with `summary`, in the transaction that recorded its run
    /// failed or abandoned.
    func fail(_ taskID: String, summary: String, on connection: DatabaseConnection) async throws {
        _ = try await connection.query("""
            UPDATE tasks SET task_status = 'FAILED', error_summary = \(summary), failed_at = now(), updated_at = now(),
                updated_by = \(Self.systemUser)
            WHERE id = \(taskID)
            """)
    }

    /// `error_summary` of a failed run: the run's error code and message, as in export_runs.
    static func summary(code: String, message: String) -> String {
        "\(code): \(message)"
    }
}
