import ExporterCore
import Foundation
import ExporterDatabase
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `backfill` (DESIGN §7): every window of the range as its own objects, oldest first, trigger
/// `backfill`; a rerun continues where the last stopped; the daemon continues after it.
@Suite(TestServices.needsServices())
struct BackfillTests {
    @Test func sevenDaysInTwoStepsGiveSevenObjectsAndTheDaemonContinuesAfterThem() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let now = DaemonTests.clock()
            let yesterday = ExportWindow.latestDue(now: now, grace: 0, interval: .daily)
            let first = yesterday.start - 6 * 86_400
            let connection = try await services.newConnection(seed: { tenant in
                try await services.seedUsage(tenant: tenant, rows: 7 * 24, from: first, every: 3600)
            })
            func day(_ seconds: Int64) -> String { String(Timestamp.rfc3339(seconds: seconds).prefix(10)) }
            let environment = CommandLineTests().environment(services)

            // Dry run: the seven windows and their rows, nothing recorded.
            let dry = try await ExporterCommand.run(["backfill", "--connection", connection.id, "--from", day(first), "--dry-run"],
                                                    environment: environment)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.components(separatedBy: "would export 24 rows").count - 1 == 7, "\(dry.stdout)")
            #expect(try await services.runs(connection: connection.id).isEmpty)

            let step1 = try await ExporterCommand.run(
                ["backfill", "--connection", connection.id, "--entity", "feature_usage", "--from", day(first),
                 "--to", day(first + 3 * 86_400)], environment: environment)
            #expect(step1.status == 0, "\(step1.stderr)")
            #expect(try await services.runs(connection: connection.id).count == 3)

            // Again from the start: the three done are skipped, the four left are exported.
            let step2 = try await ExporterCommand.run(["backfill", "--connection", connection.id, "--from", day(first)],
                                                      environment: environment)
            #expect(step2.status == 0, "\(step2.stderr)")
            #expect(step2.stdout.components(separatedBy: "already succeeded").count - 1 == 3, "\(step2.stdout)")
            let runs = try await services.runs(connection: connection.id)
            #expect(runs.count == 7, "\(runs)")
            #expect(runs.allSatisfy { $0.status == "succeeded" && $0.trigger == "backfill" && $0.rowCount == 24 }, "\(runs)")
            let keys = try await services.s3(bucket: connection.bucket).listObjects()
            #expect(keys.filter { !$0.hasSuffix("_manifest.json") }.count == 7, "\(keys)")

            // The daemon's position is the backfill's: nothing of those windows runs again.
            let daemon = try ExporterProcess(["run"], environment: DaemonTests().environment(
                services, extra: ["EXPORTER_LOG_LEVEL": "debug"]))
            let passed = try await eventually(timeout: .seconds(60)) { daemon.log.contains("pass finished") }
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(timeout: .seconds(60)) == 0, "\(daemon.log)")
            #expect(passed, "the daemon made no pass:\n\(daemon.log)")
            #expect(!daemon.log.contains("run started"), "the daemon exported a window the backfill covered:\n\(daemon.log)")
            #expect(try await services.runs(connection: connection.id).count == 7)
        }
    }

    @Test func aBackfillOfAnUnknownConnectionIsAUsageError() async throws {
        try await TestServices.with { services in
            let result = try await ExporterCommand.run(["backfill", "--connection", "no-such-connection", "--from", "2026-11-01"],
                                                       environment: CommandLineTests().environment(services))
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains("no-such-connection"), "\(result.stderr)")
        }
    }
}
