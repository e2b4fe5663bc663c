import DeltaLake
import ExporterCore
import ExporterRunHistory
import ExporterSource
import Foundation
import ExporterDatabase
import Testing

/// Run-history queries the daemon relies on: retention, planning state, abandoned runs.
@Suite(TestServices.needsServices())
struct RunHistoryTests {
    func insert(_ services: Services, connection: String, entity: String, daysAgo: Int, status: String,
                trigger: String = "schedule", worker: String = "w") async throws -> Int64 {
        let start = Date(timeIntervalSince1970: TimeInterval((Int64(Date().timeIntervalSince1970) / 86_400 - Int64(daysAgo)) * 86_400))
        let end = start.addingTimeInterval(86_400)
        let rows = try await services.postgres.query("""
            INSERT INTO export_runs (connection_id, tenant_id, entity_type, window_start, window_end, "trigger", status,
                started_at, finished_at, worker)
            VALUES (\(connection), 't', \(entity), \(start), \(end), \(trigger), \(status),
                now() - make_interval(days => \(daysAgo)::int), now() - make_interval(days => \(daysAgo)::int), \(worker))
            RETURNING id
            """)
        return try rows.first?.decode(Int64.self) ?? -1
    }

    func ids(_ services: Services, connection: String) async throws -> [Int64] {
        var ids: [Int64] = []
        for row in try await services.postgres.query("SELECT id FROM export_runs WHERE connection_id = \(connection) ORDER BY id") {
                let id = try row.decode(Int64.self)
            ids.append(id)
        }
        return ids
    }

    @Test func pruningKeepsRecentRunsTheLatestSuccessOfEachStreamAndFailingWindows() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let history = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "me")
            let oldSuccess = try await insert(services, connection: "c", entity: "invoice", daysAgo: 200, status: "succeeded")
            _ = try await insert(services, connection: "c", entity: "customer", daysAgo: 300, status: "succeeded")
            let newestCustomerSuccess = try await insert(services, connection: "c", entity: "customer", daysAgo: 120, status: "succeeded")
            // Its window's latest run: the window is failing, however old, so it stays (and is retried).
            let failing = try await insert(services, connection: "c", entity: "invoice", daysAgo: 150, status: "failed")
            let recent = try await insert(services, connection: "c", entity: "invoice", daysAgo: 10, status: "failed")
            // A failure its window's later run repaired goes.
            _ = try await insert(services, connection: "c", entity: "price", daysAgo: 160, status: "failed")
            let repaired = try await insert(services, connection: "c", entity: "price", daysAgo: 160, status: "succeeded", trigger: "retry")
            #expect(try await history.prune(olderThanDays: 90) == 2)
            #expect(try await ids(services, connection: "c") == [oldSuccess, newestCustomerSuccess, failing, recent, repaired])
        }
    }

    /// The position counts successes of triggers that move it (not manual, not retry); a window
    /// is failing while its latest finished run failed or was abandoned, wherever it lies and
    /// whatever started it, with the failures since its last success counted for back-off.
    @Test func planningStateHasThePositionAndEveryFailingWindow() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let history = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "me")
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 5, status: "succeeded")
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 1, status: "succeeded", trigger: "manual")
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 2, status: "succeeded", trigger: "retry")
            // Behind the position: a failed manual re-export of a delivered window.
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 6, status: "succeeded")
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 6, status: "failed", trigger: "manual")
            // Ahead of it: failed twice, then an abandoned attempt (not counted for back-off).
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 3, status: "failed")
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 3, status: "failed")
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 3, status: "abandoned")
            // Repaired: failed, then succeeded.
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 8, status: "failed")
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 8, status: "succeeded", trigger: "manual")
            // Succeeded, failed, succeeded again: not failing, and its old failure is not counted.
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 9, status: "succeeded")
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 9, status: "failed", trigger: "signal")
            _ = try await insert(services, connection: "c", entity: "invoice", daysAgo: 9, status: "succeeded", trigger: "retry")
            let states = try await history.scheduleStates(connectionIDs: ["c"])
            let state = try #require(states[ExportStream(connectionID: "c", entity: .invoice)])
            let today = Int64(Date().timeIntervalSince1970) / 86_400 * 86_400
            func day(_ daysAgo: Int64) -> ExportWindow {
                ExportWindow(start: today - daysAgo * 86_400, end: today - (daysAgo - 1) * 86_400)
            }
            #expect(state.lastSuccessEnd == today - 4 * 86_400, "the manual and retry successes do not count")
            #expect(Set(state.failing.keys) == [day(6), day(3)])
            #expect(state.failing[day(6)]?.count == 1)
            #expect(state.failing[day(3)]?.count == 2, "the abandoned attempt is not a failure of the window")
        }
    }

    @Test func runningRowsOfWorkersWithoutAFreshHeartbeatAreAbandoned() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let me = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "me")
            let alive = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "alive")
            try await alive.heartbeat()
            try await me.heartbeat()
            let dead = try await insert(services, connection: "c", entity: "invoice", daysAgo: 1, status: "running", worker: "dead")
            let living = try await insert(services, connection: "c", entity: "customer", daysAgo: 1, status: "running", worker: "alive")
            let mine = try await insert(services, connection: "c", entity: "price", daysAgo: 1, status: "running", worker: "me")
            #expect(try await me.abandonRunsOfDeadWorkers(leaseSeconds: 30) == 1)
            var statuses: [Int64: String] = [:]
            for row in try await services.postgres.query("SELECT id, status FROM export_runs") {
                let (id, status) = try row.decode((Int64, String).self)
                statuses[id] = status
            }
            #expect(statuses == [dead: "abandoned", living: "running", mine: "running"])
        }
    }

    /// Two daemons race on one window: one records its success while the other starts the same
    /// window from a plan made before that success. The second must never get a run: the check
    /// "not succeeded yet" and the success are serialised per stream (an advisory lock), which
    /// the partial unique index alone does not do. Repeated, because the race is a narrow one.
    @Test func aWindowThatSucceedsWhileAnotherDaemonStartsItIsNotStartedAgain() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let a = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "daemon-a")
            let b = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "daemon-b")
            let outcome = RunOutcome(rowCount: 1, bytesRaw: 1, bytesUploaded: 1, objectCount: 1, manifestKey: "m",
                                     objectURL: "u", sha256: "s")
            var secondRuns: [Int64] = []
            for day in 0..<150 {
                let key = RunKey(connectionID: "race", tenantID: "t", environmentID: "", entity: .invoice, interval: .daily,
                                 window: ExportWindow(start: Int64(day) * 86_400, end: Int64(day + 1) * 86_400))
                let first = try #require(try await a.start(key, trigger: .schedule))
                async let succeeded: Void = a.succeed(first, of: key, outcome)
                async let second = b.start(key, trigger: .schedule)
                try await succeeded
                if let id = try await second { secondRuns.append(id) }
            }
            #expect(secondRuns.isEmpty, "windows started again after their success: \(secondRuns)")
            let rows = try await services.postgres.query(
                "SELECT count(*)::bigint FROM export_runs WHERE connection_id = 'race'")
            #expect(try rows.first?.decode(Int64.self) == 150)
        }
    }
    /// A window's commit reads only its window's files of the stored table state (the cost of a
    /// commit does not grow with the table); a checkpoint reads them all, `check` none.
    @Test func aDeltaSnapshotHoldsTheFilesItIsAskedFor() async throws {
        try await TestServices.with { services in
            let history = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "me")
            let table = DeltaTableRecord(endpoint: nil, bucket: "b", root: "p/feature_usage/\(UUID().uuidString)/",
                                         stream: ExportStream(connectionID: "conn-selection", entity: .featureUsage))
            func add(_ path: String) -> DeltaAction { .add(DeltaAdd(path: path, size: 1, modificationTime: 1, stats: nil)) }
            let day1 = "2026/11/01/feature_usage_20261101T000000Z_20261102T000000Z_run-"
            let day2 = "2026/11/02/feature_usage_20261102T000000Z_20261103T000000Z_run-"
            let metadata = DeltaMetadata(id: "t", schemaString: DeltaSchema(fields: [.init(name: "id", type: "string")]).json, createdTime: 1)
            let txn = DeltaTransaction(appId: "app", version: 3, lastUpdated: 1)
            try await history.recordDeltaCommits(table, [
                (0, [.protocol(DeltaProtocol(minReaderVersion: 1, minWriterVersion: 1)), .metaData(metadata), add(day1 + "1.parquet"),
                     add(day2 + "2.parquet")]),
                (1, [.remove(DeltaAdd(path: day1 + "1.parquet", size: 1, modificationTime: 1, stats: nil).removed(at: 5)),
                     add(day1 + "3.parquet"), .txn(txn)]),
            ])
            let all = try #require(try await history.deltaSnapshot(table))
            #expect(all.version == 1 && Set(all.files.keys) == [day1 + "3.parquet", day2 + "2.parquet"])
            #expect(Set(all.tombstones.keys) == [day1 + "1.parquet"])
            let window = try #require(try await history.deltaSnapshot(table, files: .under(day1)))
            #expect(Set(window.files.keys) == [day1 + "3.parquet"] && Set(window.tombstones.keys) == [day1 + "1.parquet"])
            #expect(window.version == 1 && window.metadata == metadata && window.transactions == ["app": txn])
            let none = try #require(try await history.deltaSnapshot(table, files: .none))
            #expect(none.files.isEmpty && none.tombstones.isEmpty && none.version == 1 && none.tableProtocol != nil)
            #expect(none.transactions == ["app": txn])
            // A prefix is a prefix, not a pattern: LIKE's wildcards in a path match only themselves.
            #expect(try await history.deltaSnapshot(table, files: .under("2026/11/0_/"))?.files.isEmpty == true)
        }
    }
}
