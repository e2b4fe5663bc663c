import ExporterCore
import ExporterEngine
import ExporterRunHistory
import ExporterScheduler
import Foundation
import Testing

/// EXPORTER_FLEXPRICE_SCHEDULED_TASKS (issue 24): an installation configured the way current
/// FlexPrice configures its exports (db/flexprice-scheduled-tasks.sql: a connection whose
/// `sync_config.s3` has no `sync_active`, and its scheduled tasks), exported by scheduler passes
/// at fixed clocks into FlexPrice's own key layout and CSV, byte for byte. Usage comes from the
/// tests' ClickHouse, the rest from a fresh PostgreSQL database (the fixture's ids are fixed).
@Suite(TestServices.needsServices("EXPORTER_TEST_CLICKHOUSE_URL"), .serialized)
struct FlexpriceScheduledTaskTests {
    static let connection = "conn_sched_s3"

    /// Loads the fixture, points its tasks at moto and a bucket of this test, stores real
    /// credentials in FlexPrice's flat shape, and seeds usage in ClickHouse; returns the bucket.
    func prepare(_ services: Services) async throws -> String {
        try await services.runSQLFile("db/flexprice-tasks.sql", lock: 43)
        try await services.runSQLFile("db/flexprice-scheduled-tasks.sql", lock: 44)
        let bucket = uniqueName("sched")
        try await services.createBucket(bucket)
        let endpoint = try #require(TestServices.s3Endpoint)
        let box = SecretBox(encryptionKey: TestServices.encryptionKey)
        let secrets = #"{"aws_access_key_id": "\#(box.encrypt(TestServices.accessKey))", "aws_secret_access_key": "\#(box.encrypt(TestServices.secretKey))"}"#
        try await services.execute("""
            UPDATE connections SET encrypted_secret_data = \(secrets)::jsonb,
                sync_config = jsonb_set(sync_config, '{s3,bucket}', to_jsonb(\(bucket)::text))
            WHERE id = \(Self.connection)
            """)
        try await services.execute("""
            UPDATE scheduled_tasks SET job_config = job_config || jsonb_build_object(
                'bucket', \(bucket)::text, 'endpoint_url', \(endpoint)::text, 'use_path_style', true)
            WHERE connection_id = \(Self.connection)
            """)
        func usage(_ id: String, _ tenant: String, _ at: String, _ qty: String, _ more: [String: Any] = [:]) -> [String: Any] {
            ["id": id, "tenant_id": tenant, "environment_id": "env_sched", "external_customer_id": "ext-acme",
             "meter_id": "meter_api", "event_name": "api.request", "timestamp": at, "ingested_at": at + ".250",
             "qty_total": qty, "unique_hash": "h-\(id)", "source": "sdk", "properties": ""].merging(more) { $1 }
        }
        try await services.insertClickHouse("meter_usage", [
            usage("evs-0", "tenant_sched", "2026-11-20 20:59:59", "1"),
            usage("evs-1", "tenant_sched", "2026-11-20 21:10:00", "12.50000000",
                  ["properties": #"{"region": "eu", "bytes": 1024, "path": "<a&b>"}"#]),
            usage("evs-2", "tenant_sched", "2026-11-20 21:59:59", "100", ["source": "", "unique_hash": ""]),
            usage("evs-3", "tenant_sched", "2026-11-20 23:00:00", "0.00000001",
                  ["external_customer_id": "Zürich, AG", "properties": "[1]"]),
            usage("evs-next", "tenant_sched", "2026-11-21 00:00:00", "1"),
            usage("evs-other", "tenant_other", "2026-11-20 21:30:00", "1"),
        ])
        return bucket
    }

    func engine(_ services: Services, worker: String = RunHistory.defaultWorker) throws -> ExportEngine {
        ExportEngine(postgres: services.postgres, secretBox: SecretBox(encryptionKey: TestServices.encryptionKey),
                     logger: TestServices.logger,
                     makeSink: ExportEngine.s3Sinks(http: services.http, logger: TestServices.logger, maxAttempts: 2,
                                                    partSize: 5 * 1024 * 1024),
                     worker: worker, flexpriceTasks: FlexpriceTasks(), clickHouse: try services.clickHouse(),
                     scheduledTasks: true)
    }

    /// Two workers passing at the same clock over the same tasks: every hourly (and daily) window
    /// is exported exactly once, the other worker skipping what one holds or finished.
    @Test func twoWorkersExportEachWindowOnce() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            _ = try await prepare(services)
            let (a, b) = (try engine(services, worker: "worker-a"), try engine(services, worker: "worker-b"))
            _ = try await pass(a, at: "2026-11-20T18:20:00Z", task: "schtask_sched_events")
            async let first = pass(a, at: "2026-11-21T00:20:00Z")
            async let second = pass(b, at: "2026-11-21T00:20:00Z")
            let reports = try await first + second
            #expect(reports.filter(\.failed).allSatisfy { $0.key.scheduledTaskID == nil }, "\(reports)")
            let windows = try await services.postgres.query("""
                SELECT scheduled_task_id, window_start, count(*) FILTER (WHERE status = 'succeeded')::bigint, count(*)::bigint
                FROM export_runs WHERE connection_id = \(Self.connection)
                GROUP BY scheduled_task_id, window_start ORDER BY scheduled_task_id, window_start
                """).map { row in try row.decode((String?, Date, Int64, Int64).self) }
            let hourly = windows.filter { $0.0 == "schtask_sched_events" }
            #expect(hourly.count == 7) // [17:00, 18:00) first, then 18:00 .. 24:00 caught up
            #expect(windows.allSatisfy { $0.2 == 1 && $0.3 == 1 }, "\(windows)")
        }
    }

    static let planner = WindowPlanner(graceSeconds: 900, catchupLimit: 100, tickSeconds: 60)

    func pass(_ engine: ExportEngine, at time: String, task: String? = nil) async throws -> [RunReport] {
        let now = try #require(Timestamp.parse(time))
        return try await engine.schedulePass(planner: Self.planner, now: now, forced: false, maxConcurrency: 2,
                                             scheduledTaskID: task)
    }

    /// Three hourly windows and two days caught up; keys, headers, values and content types are
    /// FlexPrice's; a disabled, a deleted and an unsupported task export nothing; the connection
    /// without `sync_active` is no problem; the `tasks` rows carry the scheduled task id.
    @Test func catchUpWritesFlexpricesObjects() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let bucket = try await prepare(services)
            let engine = try engine(services)
            // First positions: the daily tasks at 2026-11-19 00:20 ([11-18, 11-19)), the hourly at 21:20 ([20:00, 21:00)).
            for task in ["schtask_sched_invoice", "schtask_sched_topups"] {
                let first = try await pass(engine, at: "2026-11-19T00:20:00Z", task: task)
                #expect(first.count == 1 && first.allSatisfy { !$0.failed }, "\(first)")
            }
            let hourly = try await pass(engine, at: "2026-11-20T21:20:00Z", task: "schtask_sched_events")
            #expect(hourly.count == 1 && hourly.allSatisfy { !$0.failed }, "\(hourly)")

            // The credit_usage task, enabled: one clear error, recorded once however many passes meet it.
            try await services.execute("UPDATE scheduled_tasks SET enabled = true WHERE id = 'schtask_sched_credit_usage'")
            let reports = try await pass(engine, at: "2026-11-21T00:20:00Z")
            let failed = reports.filter(\.failed)
            #expect(failed.count == 1, "\(reports)")
            #expect(failed.first?.key.scheduledTaskID == "schtask_sched_credit_usage")
            #expect("\(failed.first?.description ?? "")".contains("credit_usage"), "\(failed)")
            _ = try await pass(engine, at: "2026-11-21T00:25:00Z")
            let problems = try await services.problems(connection: "schtask_sched_credit_usage")
            #expect(problems.count == 1 && problems.allSatisfy { !$0.resolved && $0.code == "config" }, "\(problems)")
            #expect(problems.first?.message.contains("FlexPrice's billing services") == true)
            #expect(try await services.problems(connection: Self.connection).isEmpty)

            // Exactly the windows caught up, per task, all succeeded.
            let runs = try await services.postgres.query("""
                SELECT scheduled_task_id, entity_type, window_start, status FROM export_runs
                WHERE connection_id = \(Self.connection) ORDER BY scheduled_task_id, window_start
                """).map { row in
                let (task, entity, start, status) = try row.decode((String?, String, Date, String).self)
                return "\(task ?? "-") \(entity) \(Timestamp.rfc3339(seconds: Int64(start.timeIntervalSince1970))) \(status)"
            }
            #expect(runs == [
                "schtask_sched_events meter_usage 2026-11-20T20:00:00Z succeeded",
                "schtask_sched_events meter_usage 2026-11-20T21:00:00Z succeeded",
                "schtask_sched_events meter_usage 2026-11-20T22:00:00Z succeeded",
                "schtask_sched_events meter_usage 2026-11-20T23:00:00Z succeeded",
                "schtask_sched_invoice invoice 2026-11-18T00:00:00Z succeeded",
                "schtask_sched_invoice invoice 2026-11-19T00:00:00Z succeeded",
                "schtask_sched_invoice invoice 2026-11-20T00:00:00Z succeeded",
                "schtask_sched_topups credit_topups 2026-11-18T00:00:00Z succeeded",
                "schtask_sched_topups credit_topups 2026-11-19T00:00:00Z succeeded",
                "schtask_sched_topups credit_topups 2026-11-20T00:00:00Z succeeded",
            ])

            // status and export_stream_status: one stream per task, positioned per task; the view has
            // them only when the session sets flexprice_exporter.scheduled_tasks (as status and the daemon do).
            let statuses = try await engine.streamStatuses(connectionID: nil, graceSeconds: 900)
            #expect(statuses.map { "\($0.scheduledTaskID ?? "-") \($0.entity) \($0.lastSucceededWindowEnd ?? "-") \($0.problem ?? "")" } == [
                "schtask_sched_credit_usage credit_usage - config: connection conn_sched_s3, scheduled task schtask_sched_credit_usage: "
                    + "entity_type is credit_usage, which FlexPrice's billing services compute (live balances, priced usage) rather "
                    + "than read from a table; the exporter does not export it: keep FlexPrice's own workflow for this task, or "
                    + "export feature_usage/meter_usage, invoice and credit_topups",
                "schtask_sched_events meter_usage 2026-11-21T00:00:00Z ",
                "schtask_sched_invoice invoice 2026-11-21T00:00:00Z ",
                "schtask_sched_topups credit_topups 2026-11-21T00:00:00Z ",
            ])
            #expect(try await engine.history.streamStatuses(connectionID: nil, graceSeconds: 900).isEmpty)
            let viewRows = try await engine.history.streamStatuses(connectionID: nil, graceSeconds: 900, scheduledTasks: true)
            #expect(viewRows.map { $0.scheduledTaskID ?? "-" } == ["schtask_sched_topups", "schtask_sched_invoice", "schtask_sched_events"])

            // A pass of one task leaves the others' problems alone.
            try await services.execute("UPDATE scheduled_tasks SET enabled = false WHERE id = 'schtask_sched_credit_usage'")
            _ = try await pass(engine, at: "2026-11-21T00:26:00Z", task: "schtask_sched_invoice")
            #expect(try await services.problems(connection: "schtask_sched_credit_usage").map(\.resolved) == [false])
            // Disabled, the task is no longer exported: the next full pass closes its problem, so
            // no alert keeps firing for a task nobody exports.
            _ = try await pass(engine, at: "2026-11-21T00:27:00Z")
            #expect(try await services.problems(connection: "schtask_sched_credit_usage").map(\.resolved) == [true])
            #expect(try await engine.streamStatuses(connectionID: nil, graceSeconds: 900).allSatisfy { $0.problem == nil })

            // FlexPrice's keys, content types (no Content-Encoding) and CSV.
            func object(_ key: String, gzip: Bool = false) async throws -> String {
                let fetched = try await services.fetch(bucket: bucket, key: key, gzip: gzip)
                #expect(fetched.headers["content-type"] == (gzip ? "application/gzip" : "text/csv"), "\(key)")
                #expect(fetched.headers["content-encoding"] == nil, "\(key)")
                #expect(fetched.headers["x-amz-server-side-encryption"] == "AES256", "\(key)")
                return fetched.text
            }
            let eventsHeader = "id,tenant_id,environment_id,external_customer_id,customer_id,subscription_id,sub_line_item_id,"
                + "price_id,meter_id,feature_id,event_name,source,timestamp,ingested_at,period_id,qty_total,"
                + "provisional_usage_charges,properties,unique_hash\n"
            #expect(try await object("flexprice/events/events-261120210000-261120220000.csv.gz", gzip: true) == eventsHeader
                + "evs-1,tenant_sched,env_sched,ext-acme,,,,,meter_api,,api.request,sdk,2026-11-20T21:10:00Z,2026-11-20T21:10:00Z,,12.5,,"
                + #""{""bytes"":1024,""path"":""\u003ca\u0026b\u003e"",""region"":""eu""}",h-evs-1"# + "\n"
                + "evs-2,tenant_sched,env_sched,ext-acme,,,,,meter_api,,api.request,,2026-11-20T21:59:59Z,2026-11-20T21:59:59Z,,100,,null,\n")
            #expect(try await object("flexprice/events/events-261120220000-261120230000.csv.gz", gzip: true) == eventsHeader)
            #expect(try await object("flexprice/events/events-261120230000-261121000000.csv.gz", gzip: true) == eventsHeader
                + #"evs-3,tenant_sched,env_sched,"Zürich, AG",,,,,meter_api,,api.request,sdk,2026-11-20T23:00:00Z,"#
                + "2026-11-20T23:00:00Z,,0.00000001,,{},h-evs-3\n")

            let topupsHeader = "topup_id,external_id,name,wallet_id,amount,credit_balance_before,credit_balance_after,"
                + "reference_id,transaction_reason,created_at\n"
            // The first position's day holds the fixture's row just before the two days (wtxn_sched_12).
            #expect(try await object("finance/credits/credit_topups/credit_topups-261118000000-261119000000.csv")
                .hasPrefix(topupsHeader))
            #expect(try await object("finance/credits/credit_topups/credit_topups-261119000000-261120000000.csv") == topupsHeader
                + "wtxn_sched_01,ext-acme,\"Acme, Inc.\",wallet_sched_1,100,0,100,pay_001,PURCHASED_CREDIT_DIRECT,2026-11-19T00:00:00Z\n"
                + "wtxn_sched_02,ext-zurich,\"Zürich \"\"Bank\"\" AG ☕\",wallet_sched_2,25.5,0,25.5,grant_welcome,FREE_CREDIT_GRANT,2026-11-19T09:30:15Z\n"
                + "wtxn_sched_07,ext-acme,\"Acme, Inc.\",wallet_sched_1,0.000000001,90,90.000000001,,CREDIT_ADJUSTMENT,2026-11-19T23:59:59Z\n")
            #expect(try await object("finance/credits/credit_topups/credit_topups-261120000000-261121000000.csv") == topupsHeader
                + "wtxn_sched_08,ext-zurich,\"Zürich \"\"Bank\"\" AG ☕\",wallet_sched_2,1000,25.5,1025.5,inv_sched_04,PURCHASED_CREDIT_INVOICED,2026-11-20T00:00:00Z\n"
                + "wtxn_sched_09,ext-acme,\"Acme, Inc.\",wallet_sched_1,12.345678901,90.000000001,102.345678902,sub_sched_1,SUBSCRIPTION_CREDIT_GRANT,2026-11-20T10:15:00Z\n"
                + "wtxn_sched_11,ext-zurich,\"Zürich \"\"Bank\"\" AG ☕\",wallet_sched_2,7,1025,1032,\"goodwill, ticket #42\",CREDIT_ADJUSTMENT,2026-11-20T10:15:00Z\n")

            let invoiceHeader = "id,tenant_id,environment_id,customer_id,subscription_id,invoice_number,invoice_type,invoice_status,"
                + "payment_status,currency,amount_due,amount_paid,amount_remaining,subtotal,total,total_discount,total_tax,"
                + "adjustment_amount,refunded_amount,billing_sequence,description,due_date,paid_at,voided_at,finalized_at,"
                + "billing_period,period_start,period_end,invoice_pdf_url,billing_reason,metadata,idempotency_key,version,status,"
                + "created_by,updated_by,created_at,updated_at\n"
            #expect(try await object("invoice/invoice-261119000000-261120000000.csv") == invoiceHeader
                + #"inv_sched_01,tenant_sched,env_sched,cust_sched_1,sub_sched_1,INV-2026-0001,SUBSCRIPTION,FINALIZED,SUCCEEDED,usd,100,100,0,110,100,10,0,0,0,1,"November, ""Pro"" plan",2026-12-04T00:00:00Z,2026-11-20T09:00:00Z,,2026-11-19T00:00:00Z,MONTHLY,2026-10-19T00:00:00Z,2026-11-19T00:00:00Z,https://files.example/inv/INV-2026-0001.pdf,SUBSCRIPTION_CYCLE,"{""note"":""a, \""quoted\"" \u003cnote\u003e \u0026 more"",""po_number"":""PO-7731""}",idem-sched-01,3,published,user_sched_admin,user_sched_billing,2026-11-19T00:00:00Z,2026-11-20T09:00:00Z"# + "\n"
                + "inv_sched_02,tenant_sched,env_sched,cust_sched_2,,,ONE_OFF,DRAFT,PENDING,eur,19.99,0,19.99,19.99,19.99,0,0,0,0,,,,,,,,,,,MANUAL,null,,1,published,,,2026-11-19T18:45:30Z,2026-11-19T18:45:30Z\n")
            #expect(try await object("invoice/invoice-261120000000-261121000000.csv") == invoiceHeader
                + "inv_sched_04,tenant_sched,env_sched,cust_sched_2,,INV-2026-0004,CREDIT,FINALIZED,SUCCEEDED,eur,1000,1000,0,1000,1000,0,0,0,0,,Credit purchase — Zürich,2026-11-20T00:00:00Z,2026-11-20T00:00:00Z,,2026-11-20T00:00:00Z,,,,,MANUAL,{},idem-sched-04,1,published,,,2026-11-20T00:00:00Z,2026-11-20T00:00:00Z\n"
                + "inv_sched_05,tenant_sched,env_sched,cust_sched_2,sub_sched_2,INV-2026-0005,SUBSCRIPTION,VOIDED,VOIDED,eur,1234567890.12345678,0,0,1234567890.12345678,1234567890.12345678,0.00000001,222222220.22222222,0,0,1,\"two\nlines\",2026-12-05T00:00:00Z,,2026-11-20T12:30:00Z,2026-11-20T12:00:00Z,ANNUAL,2026-11-20T00:00:00Z,2027-11-20T00:00:00Z,,SUBSCRIPTION_CREATE,\"{\"\"multi\"\":\"\"line\\nvalue\"\"}\",,2,published,,,2026-11-20T12:00:00Z,2026-11-20T12:30:00Z\n")
            // The manifest beside the object (our addition), naming FlexPrice's header.
            let manifest = try await services.fetch(bucket: bucket, key: "invoice/invoice-261119000000-261120000000_manifest.json",
                                                    gzip: false)
            #expect(manifest.text.contains(#""row_count":2"#) || manifest.text.contains(#""row_count" : 2"#), "\(manifest.text)")

            // FlexPrice's tasks rows: one per run, with the scheduled task and the object's s3:// URL.
            let tasks = try await services.postgres.query("""
                SELECT scheduled_task_id, entity_type, file_url, task_status FROM tasks
                WHERE scheduled_task_id IS NOT NULL ORDER BY scheduled_task_id, file_url
                """).map { row in
                let (task, entity, url, status) = try row.decode((String, String, String, String).self)
                return "\(task) \(entity) \(url) \(status)"
            }
            #expect(tasks.count == 10)
            #expect(tasks.contains("schtask_sched_invoice invoice s3://\(bucket)/invoice/invoice-261119000000-261120000000.csv COMPLETED"))
            #expect(tasks.contains("schtask_sched_events events s3://\(bucket)/flexprice/events/events-261120210000-261120220000.csv.gz COMPLETED"))
            #expect(!tasks.contains { $0.hasPrefix("schtask_sched_disabled") || $0.hasPrefix("schtask_sched_deleted") })
        }
    }

    /// A task disabled while its stream catches up: the run under way finishes, the stream stops;
    /// `sync --scheduled-task --from --to`'s engine call exports one window of one task.
    @Test func disabledTaskStopsAndOneWindowByHand() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let bucket = try await prepare(services)
            let engine = try engine(services)
            _ = try await pass(engine, at: "2026-11-20T21:20:00Z", task: "schtask_sched_events")
            try await services.execute("UPDATE scheduled_tasks SET enabled = false WHERE id = 'schtask_sched_events'")
            let later = try await pass(engine, at: "2026-11-21T00:20:00Z")
            #expect(!later.contains { $0.key.scheduledTaskID == "schtask_sched_events" }, "\(later)")

            let window = ExportWindow(start: try #require(Timestamp.parse("2026-11-19T00:00:00Z")),
                                      end: try #require(Timestamp.parse("2026-11-20T00:00:00Z")))
            let byHand = try await engine.exportWindow(window, connectionID: nil, entities: nil,
                                                       scheduledTaskID: "schtask_sched_topups")
            #expect(byHand.count == 1 && byHand.allSatisfy { !$0.failed }, "\(byHand)")
            let fetched = try await services.fetch(bucket: bucket,
                                                   key: "finance/credits/credit_topups/credit_topups-261119000000-261120000000.csv",
                                                   gzip: false)
            #expect(fetched.text.split(separator: "\n").count == 4)

            // backfill --scheduled-task: the task's own stream, its windows in the range.
            let backfilled = try await engine.backfill(
                connectionID: "", entities: nil, from: try #require(Timestamp.parse("2026-11-19T00:00:00Z")),
                to: try #require(Timestamp.parse("2026-11-21T00:00:00Z")), now: try #require(Timestamp.parse("2026-11-21T00:20:00Z")),
                graceSeconds: 900, force: true, dryRun: false, scheduledTaskID: "schtask_sched_invoice")
            #expect(backfilled.map { $0.key.scheduledTaskID } == ["schtask_sched_invoice", "schtask_sched_invoice"])
            #expect(backfilled.allSatisfy { !$0.failed }, "\(backfilled)")

            // check: each task as its own stream; the connection without sync_active is not checked.
            let checks = try await engine.check(connectionID: nil, now: 1)
            #expect(checks.map(\.connectionID) == ["conn_sched_s3/schtask_sched_invoice", "conn_sched_s3/schtask_sched_topups"])
            #expect(checks.allSatisfy { $0.passed }, "\(checks.map { $0.steps })")
            #expect(try await engine.scheduledTaskOverlaps(connectionID: nil).isEmpty)
            // With sync_active and invoice in its own entity_types, the connection overlaps its invoice task.
            try await services.execute("""
                UPDATE connections SET sync_config = jsonb_set(sync_config, '{s3}', sync_config -> 's3'
                    || '{"sync_active": true, "entity_types": ["invoice", "customer"]}'::jsonb) WHERE id = \(Self.connection)
                """)
            let overlaps = try await engine.scheduledTaskOverlaps(connectionID: nil)
            #expect(overlaps.count == 1 && overlaps[0].contains("schtask_sched_invoice"), "\(overlaps)")
        }
    }

    /// The command line: `sync --scheduled-task ID --from --to` exports that task's window; with the
    /// option on and no `scheduled_tasks` table, `sync` exits 78 naming the table and the variable.
    @Test func syncByTaskAndAMissingTable() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let bucket = try await prepare(services)
            var environment = ["DATABASE_URL": services.databaseURLString,
                               "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
                               "EXPORTER_LOG_LEVEL": "error", "EXPORTER_FLEXPRICE_SCHEDULED_TASKS": "true"]
            let byTask = try await ExporterCommand.run(["sync", "--scheduled-task", "schtask_sched_topups", "--quiet",
                                                        "--from", "2026-11-20", "--to", "2026-11-21"], environment: environment)
            #expect(byTask.status == 0, "\(byTask.stdout)\(byTask.stderr)")
            #expect(byTask.stdout.contains("credit_topups"), "\(byTask.stdout)")
            let object = try await services.fetch(bucket: bucket,
                                                  key: "finance/credits/credit_topups/credit_topups-261120000000-261121000000.csv",
                                                  gzip: false)
            #expect(object.text.hasPrefix("topup_id,external_id,name,"))

            try await services.execute("DROP TABLE scheduled_tasks")
            let missing = try await ExporterCommand.run(["sync", "--quiet"], environment: environment)
            #expect(missing.status == 78, "\(missing.stdout)\(missing.stderr)")
            #expect(missing.stderr.contains("scheduled_tasks") && missing.stderr.contains("EXPORTER_FLEXPRICE_SCHEDULED_TASKS"),
                    "\(missing.stderr)")
            environment["EXPORTER_FLEXPRICE_SCHEDULED_TASKS"] = "false"
            let off = try await ExporterCommand.run(["sync", "--quiet"], environment: environment)
            #expect(off.status != 78, "\(off.stdout)\(off.stderr)")
        }
    }
}
