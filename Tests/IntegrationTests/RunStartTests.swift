import ExporterCore
import ExporterRunHistory
import Foundation
import ExporterDatabase
import Testing

/// `RunHistory.begin` against a window held by a `running` row (issue 11): a provably dead
/// worker's row is abandoned at once and the run starts; a live one's is named.
@Suite(TestServices.needsServices())
struct RunStartTests {
    static let key = RunKey(connectionID: "holder-test", tenantID: "t", environmentID: "", entity: .invoice,
                            interval: .daily, window: ExportWindow(start: 1_795_132_800, end: 1_795_219_200))

    /// A history on host "here" where every pid but 100 is gone.
    func history(_ services: Services, worker: String = "here:100") -> RunHistory {
        RunHistory(client: services.postgres, logger: TestServices.logger, worker: worker,
                   liveness: WorkerLiveness(hostName: "here") { $0 == 100 })
    }

    func holdWindow(_ services: Services, worker: String) async throws -> Int64 {
        let rows = try await services.postgres.query("""
            INSERT INTO export_runs (connection_id, tenant_id, entity_type, "interval", window_start, window_end, "trigger",
                status, started_at, worker)
            VALUES (\(Self.key.connectionID), 't', 'invoice', 'daily', '2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z', 'manual',
                'running', '2026-11-21T03:04:05.25Z', \(worker))
            RETURNING id
            """)
        return try #require(rows.first).decode(Int64.self)
    }

    func rows(_ services: Services) async throws -> [(id: Int64, status: String, code: String?, message: String?)] {
        var result: [(Int64, String, String?, String?)] = []
        for row in try await services.postgres.query("SELECT id, status, error_code, error_message FROM export_runs WHERE connection_id = \(Self.key.connectionID) ORDER BY id") {
                result.append(try row.decode((Int64, String, String?, String?).self)) }
        return result.map { (id: $0.0, status: $0.1, code: $0.2, message: $0.3) }
    }

    @Test(arguments: [RunTrigger.manual, .schedule])
    func aDeadWorkersRowOnThisHostIsAbandonedAndTheRunStarts(trigger: RunTrigger) async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let dead = try await holdWindow(services, worker: "here:4242")
            let start = try await history(services).begin(Self.key, trigger: trigger)
            let id = try #require(start.runID, "\(start)")
            let all = try await rows(services)
            #expect(all.map(\.id) == [dead, id])
            #expect(all.map(\.status) == ["abandoned", "running"])
            #expect(all[0].code == "shutdown")
            #expect(all[0].message?.contains("worker here:4242") == true, "\(all[0].message ?? "")")
            #expect(all[0].message?.contains("no longer exists") == true)
        }
    }

    @Test(arguments: ["there:4242", "here:100", "earlier-daemon"])
    func aLiveOrUnknownHolderIsNamedAndKeepsTheWindow(worker: String) async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let holder = try await holdWindow(services, worker: worker)
            let start = try await history(services, worker: "here:200").begin(Self.key, trigger: .manual)
            #expect(start == .runningElsewhere(RunningElsewhere(runID: holder, worker: worker,
                                                                startedAt: "2026-11-21T03:04:05.250000Z")), "\(start)")
            #expect(try await rows(services).map(\.status) == ["running"], "nothing abandoned, nothing started")
            #expect(try await history(services, worker: "here:200").start(Self.key, trigger: .manual) == nil)
        }
    }

    @Test func aScheduledRunOfASucceededWindowIsSkippedAsDone() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let history = history(services)
            let id = try #require(try await history.begin(Self.key, trigger: .schedule).runID)
            try await history.succeed(id, of: Self.key, RunOutcome(rowCount: 1, bytesRaw: 1, bytesUploaded: 1, objectCount: 1,
                                                                  manifestKey: "m", objectURL: "u", sha256: "s"))
            #expect(try await history.begin(Self.key, trigger: .schedule) == .alreadySucceeded)
            #expect(try await history.begin(Self.key, trigger: .manual).runID != nil, "a manual run exports it again")
        }
    }
}
