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

    /// A `--to` days ahead exports only windows that have closed and are due: with the grace set so
    /// that yesterday is not due yet, the range ends with the day before, whatever `--to` says
    /// (today's rows, and yesterday's, may still change).
    @Test func aBackfillWhoseToLiesInTheFutureExportsOnlyClosedDueWindows() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let now = DaemonTests.clock()
            let today = ExportWindow(containing: now, interval: .daily).start
            // Yesterday ends at `today`: due at today + grace = now + 600 s, after this test's end.
            let grace = now - today + 600
            let first = today - 5 * 86_400
            // One row an hour from the first window up to now, today's included.
            let connection = try await services.newConnection(seed: { tenant in
                try await services.seedUsage(tenant: tenant, rows: Int((now - first) / 3600), from: first, every: 3600)
            })
            func day(_ seconds: Int64) -> String { String(Timestamp.rfc3339(seconds: seconds).prefix(10)) }
            var environment = CommandLineTests().environment(services)
            environment["EXPORTER_GRACE_SECONDS"] = String(grace)

            let result = try await ExporterCommand.run(
                ["backfill", "--connection", connection.id, "--from", day(first), "--to", day(today + 3 * 86_400)],
                environment: environment)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")

            // The four days before yesterday, each whole; nothing of yesterday, today or later.
            let expected = (0..<4).map { ExportWindow(start: first + $0 * 86_400, end: first + ($0 + 1) * 86_400) }
            let runs = try await services.runs(connection: connection.id)
            #expect(runs.map(window) == expected,
                    "\(runs.map { "\($0.windowStart) .. \($0.windowEnd)" })\n\(result.stdout)")
            #expect(runs.allSatisfy { $0.status == "succeeded" && $0.trigger == "backfill" && $0.rowCount == 24 }, "\(runs)")
            let data = try await services.s3(bucket: connection.bucket).listObjects().filter { !$0.hasSuffix("_manifest.json") }
            let stems = expected.map { "feature_usage_\($0.compactStart)_\($0.compactEnd)." }
            #expect(data.count == 4 && stems.allSatisfy { stem in data.contains { $0.contains(stem) } }, "\(data)")
        }
    }

    /// A backfill whose third window fails stops there: windows four and later are not attempted
    /// (a success after the failure would move the stream's position past it), and the daemon
    /// resumes from the failed window. The failure is the third upload of the backfill's sink.
    @Test func aBackfillStopsAtItsFirstFailedWindowAndTheDaemonResumesFromIt() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let now = DaemonTests.clock()
            let yesterday = ExportWindow.latestDue(now: now, grace: 0, interval: .daily)
            let first = yesterday.start - 6 * 86_400
            let windows = (0..<7).map { ExportWindow(start: first + $0 * 86_400, end: first + ($0 + 1) * 86_400) }
            let connection = try await services.newConnection(seed: { tenant in
                try await services.seedUsage(tenant: tenant, rows: 7 * 24, from: first, every: 3600)
            })

            let record = ThirdFileFailingSink.Record()
            let engine = services.engine(wrapping: { ThirdFileFailingSink(inner: $0, record: record) })
            let reports = try await engine.backfill(connectionID: connection.id, entities: nil, from: first, to: nil, now: now,
                                                    graceSeconds: 0, force: false, dryRun: false)
            #expect(reports.map(\.key.window) == Array(windows.prefix(3)), "\(reports)")
            #expect(reports.map(\.failed) == [false, false, true], "\(reports)")
            let afterBackfill = try await services.runs(connection: connection.id)
            #expect(afterBackfill.map(window) == Array(windows.prefix(3)), "windows four and later not attempted: \(afterBackfill)")
            #expect(afterBackfill.map(\.status) == ["succeeded", "succeeded", "failed"])
            let keys = try await services.s3(bucket: connection.bucket).listObjects()
            #expect(keys.count == 4, "the two succeeded windows' data and manifests only: \(keys)")

            // The daemon goes on from the failed window, oldest first, and exports the rest.
            let daemon = try ExporterProcess(["run"], environment: DaemonTests().environment(services))
            let done = try await eventually(timeout: .seconds(120)) {
                try await services.runs(connection: connection.id).contains { window($0) == windows[6] && $0.status == "succeeded" }
            }
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(timeout: .seconds(60)) == 0, "\(daemon.log)")
            #expect(done, "the daemon did not export the remaining windows:\n\(daemon.log)")
            // Windows three to seven (a UTC midnight passed meanwhile would add an eighth).
            let daemonRuns = Array(try await services.runs(connection: connection.id).dropFirst(3))
            #expect(Array(daemonRuns.map(window).prefix(5)) == Array(windows[2...]), "\(daemonRuns.map(window))")
            #expect(daemonRuns.prefix(5).allSatisfy { $0.status == "succeeded" && $0.rowCount == 24 }, "\(daemonRuns)")
            let data = try await services.s3(bucket: connection.bucket).listObjects().filter { !$0.hasSuffix("_manifest.json") }
            #expect(data.count == 2 + daemonRuns.count, "one object per succeeded window: \(data)")
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

/// The window of an export_runs row.
private func window(_ run: RunRow) -> ExportWindow {
    ExportWindow(start: Int64(run.windowStart.timeIntervalSince1970), end: Int64(run.windowEnd.timeIntervalSince1970))
}
