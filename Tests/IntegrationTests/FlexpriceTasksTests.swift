import ExporterCore
import ExporterDatabase
import ExporterRunHistory
import Foundation
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One row of FlexPrice's `tasks` table, every column.
struct TaskRow: Sendable {
    let id: String
    let tenantID: String
    let status: String
    let createdAt: Date
    let updatedAt: Date
    let createdBy: String?
    let updatedBy: String?
    let environmentID: String?
    let taskType: String
    let entityType: String
    let scheduledTaskID: String?
    let workflowID: String?
    let fileURL: String
    let fileName: String?
    let fileType: String
    let taskStatus: String
    let totalRecords: Int64?
    let processedRecords: Int64
    let successfulRecords: Int64
    let failedRecords: Int64
    let errorSummary: String?
    /// `metadata` as JSON text.
    let metadataText: String?
    let startedAt: Date?
    let completedAt: Date?
    let failedAt: Date?

    /// `metadata`, parsed.
    var metadata: [String: Any] {
        guard let text = metadataText else { return [:] }
        return ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:]
    }
}

extension Services {
    /// Creates FlexPrice's `tasks` table (db/flexprice-tasks.sql) in this database.
    func createFlexpriceTasksTable() async throws {
        try await runSQLFile("db/flexprice-tasks.sql", lock: 43)
    }

    func tasksTableExists() async throws -> Bool {
        try await postgres.query("SELECT to_regclass('tasks') IS NOT NULL").first?.decode(Bool.self) ?? false
    }

    func task(_ id: String) async throws -> TaskRow? {
        guard let row = try await postgres.query("""
            SELECT id, tenant_id, status, created_at, updated_at, created_by, updated_by, environment_id, task_type,
                   entity_type, scheduled_task_id, workflow_id, file_url, file_name, file_type, task_status, total_records,
                   processed_records, successful_records, failed_records, error_summary, metadata::text, started_at,
                   completed_at, failed_at
            FROM tasks WHERE id = \(id)
            """).first else { return nil }
        let (id, tenant, status, created, updated, createdBy, updatedBy, environment, taskType, entity, scheduled, workflow,
             fileURL, fileName, fileType, taskStatus, total, processed, successful, failed, summary, metadata, started,
             completed, failedAt)
            = try row.decode((String, String, String, Date, Date, String?, String?, String?, String, String, String?, String?,
                              String, String?, String, String, Int64?, Int64, Int64, Int64, String?, String?, Date?, Date?,
                              Date?).self)
        return TaskRow(id: id, tenantID: tenant, status: status, createdAt: created, updatedAt: updated, createdBy: createdBy,
                       updatedBy: updatedBy, environmentID: environment, taskType: taskType, entityType: entity,
                       scheduledTaskID: scheduled, workflowID: workflow, fileURL: fileURL, fileName: fileName, fileType: fileType,
                       taskStatus: taskStatus, totalRecords: total, processedRecords: processed,
                       successfulRecords: successful, failedRecords: failed, errorSummary: summary, metadataText: metadata,
                       startedAt: started, completedAt: completed, failedAt: failedAt)
    }

    func taskCount() async throws -> Int64 {
        try await postgres.query("SELECT count(*)::bigint FROM tasks").first?.decode(Int64.self) ?? -1
    }
}

/// EXPORTER_FLEXPRICE_TASKS (DESIGN §6a, issue 15): every run mirrored in FlexPrice's `tasks`
/// table, PROCESSING -> COMPLETED / FAILED with its export_runs row; a missing table is exit 78
/// at start; off writes nothing. Through the built binary, each test in a database of its own.
@Suite(TestServices.needsServices())
struct FlexpriceTasksTests {
    static let zeroUser = "00000000-0000-0000-0000-000000000000"
    static let crockford = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    func environment(_ services: Services, tasks: Bool?) -> [String: String] {
        var env = ["DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
                   "EXPORTER_GRACE_SECONDS": "0", "EXPORTER_LOG_LEVEL": "error"]
        if let tasks { env["EXPORTER_FLEXPRICE_TASKS"] = tasks ? "true" : "false" }
        return env
    }

    /// A day with rows, ten days back (never the window a scheduled pass would pick).
    static func seededWindow() -> ExportWindow {
        let latest = ExportWindow.latestDue(now: Int64(Date().timeIntervalSince1970), grace: 0, interval: .daily)
        return ExportWindow(start: latest.start - 10 * 86_400, end: latest.start - 9 * 86_400)
    }

    static func day(_ seconds: Int64) -> String { String(Timestamp.rfc3339(seconds: seconds).prefix(10)) }

    static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    func isTaskID(_ id: String) -> Bool {
        id.hasPrefix("task_") && id.count == 31 && id.dropFirst(5).allSatisfy(Self.crockford.contains)
    }

    @Test func aSucceededRunCompletesItsTaskWithTheRunsFileAndFigures() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await services.createFlexpriceTasksTable()
            let window = Self.seededWindow()
            let connection = try await services.newConnection(
                environment: "env-live",
                syncConfig: { Services.syncConfig(bucket: $0, format: .ndjson) },
                seed: { try await services.seedUsage(tenant: $0, rows: 7, from: window.start + 60, every: 600) })
            try await services.execute("UPDATE feature_usage SET environment_id = 'env-live' WHERE tenant_id = \(connection.tenant)")
            let sync = try await ExporterCommand.run(
                ["sync", "--connection", connection.id, "--from", Self.day(window.start), "--to", Self.day(window.end)],
                environment: environment(services, tasks: true))
            #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")

            let runs = try await services.runs(connection: connection.id)
            let run = try #require(runs.first)
            #expect(runs.count == 1)
            #expect(run.status == "succeeded")
            #expect(run.rowCount == 7)
            let taskID = try #require(run.taskID, "export_runs.flexprice_task_id links the task")
            #expect(isTaskID(taskID), "\(taskID)")
            let task = try #require(try await services.task(taskID))

            // The manifest names the first data object, which the task's file_url points at.
            let manifestKey = try #require(run.manifestKey)
            let manifestText = try await services.fetch(bucket: connection.bucket, key: manifestKey, gzip: false).text
            let manifest = try #require(try JSONSerialization.jsonObject(with: Data(manifestText.utf8)) as? [String: Any])
            let objects = try #require(manifest["objects"] as? [[String: Any]])
            let firstKey = try #require(objects.first?["key"] as? String)
            #expect(manifest["run_id"] as? Int64 == run.id || (manifest["run_id"] as? Int).map(Int64.init) == run.id)
            #expect(firstKey.hasSuffix(".ndjson.gz"))

            #expect(task.id == taskID)
            #expect(task.tenantID == connection.tenant)
            #expect(task.environmentID == "env-live")
            #expect(task.status == "published")
            #expect(task.taskType == "EXPORT")
            #expect(task.entityType == "events", "FlexPrice's name for its usage export")
            #expect(task.scheduledTaskID == nil)
            #expect(task.workflowID == nil)
            #expect(task.fileURL == "s3://\(connection.bucket)/\(firstKey)")
            #expect(task.fileName == String(firstKey.split(separator: "/").last ?? ""))
            #expect(task.fileType == "NDJSON")
            #expect(task.taskStatus == "COMPLETED")
            #expect(task.totalRecords == 7)
            #expect(task.processedRecords == 7)
            #expect(task.successfulRecords == 7)
            #expect(task.failedRecords == 0)
            #expect(task.errorSummary == nil)
            #expect(task.startedAt == run.startedAt, "started with the run")
            #expect(task.createdAt == run.startedAt)
            #expect(task.completedAt == run.finishedAt, "completed in the run's transaction")
            #expect(task.updatedAt == run.finishedAt)
            #expect(task.failedAt == nil)
            #expect(task.createdBy == Self.zeroUser)
            #expect(task.updatedBy == Self.zeroUser)

            let finished = try #require(run.finishedAt)
            #expect(task.metadata["start_time"] as? String == Timestamp.rfc3339(seconds: window.start))
            #expect(task.metadata["end_time"] as? String == Timestamp.rfc3339(seconds: window.end))
            #expect((task.metadata["file_size_bytes"] as? NSNumber)?.int64Value == run.bytesRaw)
            #expect(task.metadata["completed_at"] as? String == Timestamp.rfc3339(micros: Self.micros(finished)))
            #expect((task.metadata["export_run_id"] as? NSNumber)?.int64Value == run.id)
            #expect(task.metadata["manifest_key"] as? String == manifestKey)
            #expect(task.metadata.count == 6, "\(task.metadata)")
        }
    }

    /// A failed run fails its task; a connection that cannot start (credentials that cannot be
    /// decrypted) has no run, so no task: it is one row of connection_problems, however many
    /// passes meet it, and FlexPrice's dashboard is not flooded with FAILED tasks.
    @Test func aFailedRunFailsItsTaskAndAConnectionThatCannotStartAddsNone() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await services.createFlexpriceTasksTable()
            let window = Self.seededWindow()
            let missingBucket = "no-such-bucket-\(UUID().uuidString.prefix(8).lowercased())"
            let noBucket = try await services.newConnection(syncConfig: { _ in Services.syncConfig(bucket: missingBucket, format: .parquet) })
            let wrongKey = try await services.newConnection(encryptionKey: "another key")
            let sync = try await ExporterCommand.run(
                ["sync", "--from", Self.day(window.start), "--to", Self.day(window.end)],
                environment: environment(services, tasks: true))
            #expect(sync.status == 1, "\(sync.stdout)\(sync.stderr)")
            // A second pass meets the same problem: still no run, no task, one problem row.
            let again = try await ExporterCommand.run(
                ["sync", "--from", Self.day(window.start), "--to", Self.day(window.end)],
                environment: environment(services, tasks: true))
            #expect(again.status == 1, "\(again.stdout)\(again.stderr)")
            #expect(try await services.runs(connection: wrongKey.id).isEmpty)
            let problems = try await services.problems(connection: wrongKey.id)
            #expect(problems.map(\.code) == ["decryption"] && problems.allSatisfy { !$0.resolved }, "\(problems)")
            #expect(sync.stdout.contains("\(wrongKey.id): cannot be exported, decryption: "), "\(sync.stdout)")

            for (connection, code, fileType) in [(noBucket, "s3:NoSuchBucket", "PARQUET")] {
                let runs = try await services.runs(connection: connection.id)
                let run = try #require(runs.first, "\(connection.id)")
                #expect(runs.count == 2, "a failed run per sync")
                #expect(run.status == "failed")
                #expect(run.errorCode == code, "\(String(describing: run.errorMessage))")
                let taskID = try #require(run.taskID)
                let task = try #require(try await services.task(taskID))
                #expect(task.taskStatus == "FAILED")
                #expect(task.errorSummary == "\(run.errorCode ?? ""): \(run.errorMessage ?? "")")
                #expect(task.errorSummary?.contains(connection.id) == true, "the error names the connection")
                #expect(task.failedAt == run.finishedAt, "failed in the run's transaction")
                #expect(task.updatedAt == run.finishedAt)
                #expect(task.completedAt == nil)
                #expect(task.fileURL == "")
                #expect(task.fileName == nil)
                #expect(task.fileType == fileType)
                #expect(task.totalRecords == nil)
                #expect([task.processedRecords, task.successfulRecords, task.failedRecords] == [0, 0, 0])
                #expect(task.tenantID == connection.tenant)
                #expect(task.entityType == "events", "FlexPrice's name for its usage export")
                #expect((task.metadata["export_run_id"] as? NSNumber)?.int64Value == run.id)
                #expect(task.metadata["start_time"] as? String == Timestamp.rfc3339(seconds: window.start))
                #expect(!(task.errorSummary ?? "").contains(TestServices.secretKey))
            }
            #expect(try await services.taskCount() == 2, "one task per run: the no-bucket connection's two runs")
        }
    }

    @Test func offWritesNothingAndNeedsNoTable() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let window = Self.seededWindow()
            let connection = try await services.newConnection(seed: {
                try await services.seedUsage(tenant: $0, rows: 3, from: window.start, every: 60)
            })
            let arguments = ["sync", "--connection", connection.id, "--from", Self.day(window.start), "--to", Self.day(window.end)]
            // Unset, and false: no table, and nothing asks for it.
            for value in [nil, false] as [Bool?] {
                let sync = try await ExporterCommand.run(arguments, environment: environment(services, tasks: value))
                #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
            }
            #expect(try await !services.tasksTableExists())
            // With the table there and the option off, it stays empty.
            try await services.createFlexpriceTasksTable()
            let again = try await ExporterCommand.run(arguments, environment: environment(services, tasks: false))
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(try await services.taskCount() == 0)
            let runs = try await services.runs(connection: connection.id)
            #expect(runs.map(\.status) == ["succeeded", "succeeded", "succeeded"])
            #expect(runs.allSatisfy { $0.taskID == nil })
        }
    }

    @Test func onWithoutTheTableIsAConfigurationErrorAtStart() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let window = Self.seededWindow()
            let connection = try await services.newConnection()
            let env = environment(services, tasks: true)
            let sync = try await ExporterCommand.run(
                ["sync", "--connection", connection.id, "--from", Self.day(window.start), "--to", Self.day(window.end)],
                environment: env)
            let backfill = try await ExporterCommand.run(
                ["backfill", "--connection", connection.id, "--from", Self.day(window.start)], environment: env)
            // With the metrics listener on: it is shut down gracefully with the daemon, so the
            // message is not preceded by the HTTP server's cancellation errors.
            let port = try await MetricsEndpoint.freePort()
            let daemon = try await ExporterCommand.run(
                ["run"], environment: env.merging(["EXPORTER_TICK_SECONDS": "1", "EXPORTER_LOG_LEVEL": "info",
                                                   "EXPORTER_METRICS_ADDRESS": "127.0.0.1:\(port)"]) { $1 },
                timeout: .seconds(120))
            #expect(!daemon.stderr.contains("CancellationError") && !daemon.stderr.contains("shutdown error"), "\(daemon.stderr)")
            for (name, result) in [("sync", sync), ("backfill", backfill), ("run", daemon)] {
                #expect(result.status == 78, "\(name): \(result.stdout)\(result.stderr)")
                #expect(result.stderr.contains("FlexPrice's table tasks does not exist"), "\(name): \(result.stderr)")
                #expect(result.stderr.contains("EXPORTER_FLEXPRICE_TASKS"), "\(name): \(result.stderr)")
            }
            #expect(try await services.runs(connection: connection.id).isEmpty, "no run was started")
        }
    }

    /// A role that may INSERT and UPDATE `tasks` but not SELECT its `id` passes no run: the insert
    /// returns the id and the updates find the row by it, so every run would fail unrecorded (its
    /// task is written in the run's own transaction). The start check names the privilege; with
    /// SELECT on `id` granted, the same role exports.
    @Test func aRoleThatCannotReadTheTaskIdIsAConfigurationErrorAtStart() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await services.createFlexpriceTasksTable()
            let window = Self.seededWindow()
            let connection = try await services.newConnection(
                seed: { try await services.seedUsage(tenant: $0, rows: 3, from: window.start + 60, every: 600) })
            let role = "tasks_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
            let password = "tasks-password-\(UUID().uuidString.prefix(8))"
            try await services.execute(SQL(unsafeSQL: "CREATE ROLE \(role) LOGIN PASSWORD '\(password)'"))
            try await services.execute(SQL(unsafeSQL: "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(role)"))
            try await services.execute(SQL(unsafeSQL: "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \(role)"))
            try await services.execute(SQL(unsafeSQL: "REVOKE ALL ON tasks FROM \(role)"))
            try await services.execute(SQL(unsafeSQL: "GRANT INSERT, UPDATE ON tasks TO \(role)"))
            let url = services.databaseURL
            var env = environment(services, tasks: true)
            env["DATABASE_URL"] = "postgres://\(role):\(password)@\(url.host):\(url.port)/\(url.database)?sslmode=disable"
            let arguments = ["sync", "--connection", connection.id, "--from", Self.day(window.start), "--to", Self.day(window.end)]

            let refused = try await ExporterCommand.run(arguments, environment: env)
            #expect(refused.status == 78, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("may not INSERT and UPDATE FlexPrice's table tasks and SELECT its column id"), "\(refused.stderr)")
            #expect(refused.stderr.contains("EXPORTER_FLEXPRICE_TASKS"), "\(refused.stderr)")
            #expect(!refused.stderr.contains(password))
            #expect(try await services.runs(connection: connection.id).isEmpty, "no run was started")

            try await services.execute(SQL(unsafeSQL: "GRANT SELECT (id) ON tasks TO \(role)"))
            let working = try await ExporterCommand.run(arguments, environment: env)
            #expect(working.status == 0, "\(working.stdout)\(working.stderr)")
            let run = try #require(try await services.runs(connection: connection.id).first)
            #expect(run.status == "succeeded")
            #expect(try await services.task(try #require(run.taskID))?.taskStatus == "COMPLETED")

            try await services.execute(SQL(unsafeSQL: "DROP OWNED BY \(role)"))
            try await services.execute(SQL(unsafeSQL: "DROP ROLE \(role)"))
        }
    }

    /// The mirror is written in the run's own transactions: when its write fails, neither the
    /// export_runs change nor the task's is there. A trigger on `tasks` raises when a task of a
    /// trapped tenant reaches a trapped status: PROCESSING (the start's insert), COMPLETED (the
    /// success), FAILED (the failure). With the traps gone, the same calls record both.
    @Test func aFailedTasksWriteLeavesNeitherTheRunsChangeNorTheTask() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await services.createFlexpriceTasksTable()
            try await services.execute("CREATE TABLE task_traps (tenant_id text NOT NULL, task_status text NOT NULL)")
            try await services.execute("""
                CREATE FUNCTION trap_task() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM task_traps t WHERE t.tenant_id = NEW.tenant_id AND t.task_status = NEW.task_status) THEN
                        RAISE EXCEPTION 'trapped: a % task of tenant %', NEW.task_status, NEW.tenant_id;
                    END IF;
                    RETURN NEW;
                END $$
                """)
            try await services.execute("CREATE TRIGGER trap BEFORE INSERT OR UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION trap_task()")
            func trap(_ tenant: String, _ status: String) async throws {
                try await services.execute("INSERT INTO task_traps VALUES (\(tenant), \(status))")
            }
            func tasks(of tenant: String) async throws -> [String] {
                try await services.postgres.query("SELECT task_status FROM tasks WHERE tenant_id = \(tenant) ORDER BY id")
                    .map { try $0.decode(String.self) }
            }
            let window = Self.seededWindow()
            func key(_ name: String) -> RunKey {
                RunKey(connectionID: "c-\(name)", tenantID: "t-\(name)", environmentID: "", entity: .featureUsage,
                       interval: .daily, window: window, format: .csv, bucket: "b")
            }
            let history = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "here:1", tasks: FlexpriceTasks())
            let outcome = RunOutcome(rowCount: 7, bytesRaw: 700, bytesUploaded: 300, objectCount: 1,
                                     manifestKey: "m.json", objectURL: "s3://b/k.csv.gz", sha256: "00", objectKey: "k.csv.gz")

            // The start: no run row, no task.
            try await trap("t-start", "PROCESSING")
            let started = await #expect(throws: ExportError.self) { try await history.begin(key("start"), trigger: .manual) }
            #expect(started?.message.contains("trapped: a PROCESSING task") == true, "\(String(describing: started))")
            #expect(try await services.runs(connection: "c-start").isEmpty)
            #expect(try await tasks(of: "t-start").isEmpty)

            // The success: the run still running, without figures; the task still PROCESSING.
            let succeeding = try #require(try await history.begin(key("succeed"), trigger: .manual).runID)
            try await trap("t-succeed", "COMPLETED")
            let succeeded = await #expect(throws: ExportError.self) { try await history.succeed(succeeding, of: key("succeed"), outcome) }
            #expect(succeeded?.message.contains("trapped: a COMPLETED task") == true, "\(String(describing: succeeded))")
            var run = try #require(try await services.runs(connection: "c-succeed").first)
            #expect(run.status == "running" && run.finishedAt == nil && run.rowCount == nil && run.manifestKey == nil, "\(run)")
            #expect(try await tasks(of: "t-succeed") == ["PROCESSING"])

            // The failure: the same.
            let failing = try #require(try await history.begin(key("fail"), trigger: .manual).runID)
            try await trap("t-fail", "FAILED")
            let failed = await #expect(throws: ExportError.self) { try await history.fail(failing, .network("injected")) }
            #expect(failed?.message.contains("trapped: a FAILED task") == true, "\(String(describing: failed))")
            run = try #require(try await services.runs(connection: "c-fail").first)
            #expect(run.status == "running" && run.finishedAt == nil && run.errorCode == nil, "\(run)")
            #expect(try await tasks(of: "t-fail") == ["PROCESSING"])

            // The traps were all that stood in the way.
            try await services.execute("DELETE FROM task_traps")
            try await history.succeed(succeeding, of: key("succeed"), outcome)
            try await history.fail(failing, .network("injected"))
            #expect(try await services.runs(connection: "c-succeed").map(\.status) == ["succeeded"])
            #expect(try await tasks(of: "t-succeed") == ["COMPLETED"])
            #expect(try await services.runs(connection: "c-fail").map(\.status) == ["failed"])
            #expect(try await tasks(of: "t-fail") == ["FAILED"])
        }
    }

    /// A run whose worker died: abandoned by the heartbeat rule (a worker of another host) and by
    /// the start of a new run (a worker of this host whose process is gone); either way its task
    /// becomes FAILED with the reason in the same statement or transaction.
    @Test func abandonedRunsFailTheirTasks() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await services.createFlexpriceTasksTable()
            let window = Self.seededWindow()
            func key(_ connection: String) -> RunKey {
                RunKey(connectionID: connection, tenantID: "t-\(connection)", environmentID: "", entity: .invoice,
                       interval: .daily, window: window, format: .json, bucket: "b")
            }
            let fixed = FlexpriceTasks(ids: ULIDGenerator(clock: { 1_469_918_176_385 },
                                                          random: { [0xD6, 0x76, 0x4C, 0x61, 0xEF, 0xB9, 0x93, 0x02, 0xBD, 0x5B] }))
            let elsewhere = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "elsewhere:1", tasks: fixed)
            let first = try #require(try await elsewhere.begin(key("c-heartbeat"), trigger: .manual).runID)
            var runs = try await services.runs(connection: "c-heartbeat")
            #expect(runs.map(\.taskID) == ["task_01ARYZ6S41TSV4RRFFQ69G5FAV"], "the id is task_ + the ULID of the generator")
            #expect(try await services.task("task_01ARYZ6S41TSV4RRFFQ69G5FAV")?.taskStatus == "PROCESSING")
            #expect(try await services.task("task_01ARYZ6S41TSV4RRFFQ69G5FAV")?.fileType == "JSON")

            let here = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "here:2", tasks: FlexpriceTasks())
            #expect(try await here.abandonRunsOfDeadWorkers(leaseSeconds: 60) == 1)
            runs = try await services.runs(connection: "c-heartbeat")
            #expect(runs.map(\.id) == [first])
            #expect(runs.map(\.status) == ["abandoned"])
            let abandoned = try #require(try await services.task("task_01ARYZ6S41TSV4RRFFQ69G5FAV"))
            #expect(abandoned.taskStatus == "FAILED")
            #expect(abandoned.errorSummary == "shutdown: \(runs[0].errorMessage ?? "")")
            #expect(abandoned.errorSummary?.contains("worker elsewhere:1 stopped while exporting this window") == true,
                    "\(String(describing: abandoned.errorSummary))")
            #expect(abandoned.failedAt == runs[0].finishedAt)

            // This host, a pid that is gone: the next start abandons it at once.
            let gone = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "here:7",
                                  liveness: WorkerLiveness(hostName: "here") { _ in false }, tasks: FlexpriceTasks())
            _ = try #require(try await gone.begin(key("c-start"), trigger: .manual).runID)
            let next = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "here:8",
                                  liveness: WorkerLiveness(hostName: "here") { _ in false }, tasks: FlexpriceTasks())
            _ = try #require(try await next.begin(key("c-start"), trigger: .manual).runID)
            let both = try await services.runs(connection: "c-start")
            #expect(both.map(\.status) == ["abandoned", "running"])
            let oldID = try #require(both[0].taskID)
            let newID = try #require(both[1].taskID)
            let old = try #require(try await services.task(oldID))
            let new = try #require(try await services.task(newID))
            #expect(old.taskStatus == "FAILED")
            #expect(old.errorSummary?.hasPrefix("shutdown: worker here:7 stopped while exporting this window") == true,
                    "\(String(describing: old.errorSummary))")
            #expect(new.taskStatus == "PROCESSING")
            #expect(old.id != new.id)
        }
    }

    /// A daemon killed (SIGKILL) while its run is held in flight by a lock on the entity table:
    /// its task stays PROCESSING until a second daemon abandons the run, which fails the task with
    /// the reason and exports the window again under a new, COMPLETED task.
    @Test func aKilledDaemonsTaskIsFailedWhenItsRunIsAbandoned() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await services.createFlexpriceTasksTable()
            let window = ExportWindow.latestDue(now: Int64(Date().timeIntervalSince1970), grace: 0, interval: .daily)
            let connection = try await services.newConnection(seed: { tenant in
                try await services.seedUsage(tenant: tenant, rows: 50, from: window.start, every: 60)
            })
            var env = environment(services, tasks: true)
            env["EXPORTER_TICK_SECONDS"] = "1"
            env["EXPORTER_LOG_LEVEL"] = "info"
            let lock = try await TableLock.take("feature_usage", services: services)
            let first = try ExporterProcess(["run"], environment: env)
            _ = try #require(try await lock.firstWaiter(services, whileRunning: first.process),
                             "the daemon's read never waited on the lock:\n\(first.log)")
            let held = try await services.runs(connection: connection.id)
            #expect(held.map(\.status) == ["running"])
            let heldTask = try #require(held.first?.taskID)
            #expect(try await services.task(heldTask)?.taskStatus == "PROCESSING")

            first.signal(SIGKILL)
            _ = await first.waitForExit()
            #expect(try await services.task(heldTask)?.taskStatus == "PROCESSING", "nobody has abandoned it yet")
            #expect(try await lock.release() == 0, "\(lock.log)")

            let second = try ExporterProcess(["run"], environment: env)
            #expect(try await eventually(timeout: .seconds(120)) {
                try await services.runs(connection: connection.id).contains { $0.status == "succeeded" }
            }, "\(second.log)")
            second.signal(SIGTERM)
            #expect(await second.waitForExit() == 0, "\(second.log)")

            let runs = try await services.runs(connection: connection.id)
            #expect(runs.map(\.status) == ["abandoned", "succeeded"], "\(runs.map(\.status))")
            let failed = try #require(try await services.task(heldTask))
            #expect(failed.taskStatus == "FAILED")
            #expect(failed.errorSummary?.hasPrefix("shutdown: worker ") == true, "\(String(describing: failed.errorSummary))")
            #expect(failed.errorSummary?.contains("stopped while exporting this window") == true)
            #expect(failed.errorSummary == "shutdown: \(runs[0].errorMessage ?? "")")
            #expect(failed.failedAt == runs[0].finishedAt)
            let completedID = try #require(runs[1].taskID)
            let completed = try #require(try await services.task(completedID))
            #expect(completed.taskStatus == "COMPLETED")
            #expect(completed.totalRecords == 50)
            #expect(try await services.taskCount() == 2)
        }
    }
}
