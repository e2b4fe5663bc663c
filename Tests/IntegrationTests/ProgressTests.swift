import ExporterCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Progress (DESIGN §7): `sync` and `backfill` draw a live line on a terminal (here a
/// pseudo-terminal from util-linux `script`), never on a pipe nor with `--quiet`; the daemon logs
/// `run progress` for a run that takes longer than EXPORTER_PROGRESS_LOG_SECONDS.
@Suite(TestServices.needsServices())
struct ProgressTests {
    /// What starts every redraw: carriage return, erase line.
    static let redraw = "\r\u{1B}[2K"

    /// Each drawn line of a terminal's output: the text after each redraw, up to its line end
    /// (`\r\n` under a pseudo-terminal, one Character, which `isNewline` covers).
    static func frames(_ output: String) -> [String] {
        output.components(separatedBy: redraw).dropFirst().map { frame in
            String(frame.prefix { !$0.isNewline })
        }
    }

    /// The row count a frame shows (`…: 1,200 rows, …`).
    static func rows(_ frame: String) -> Int? {
        guard let colon = frame.range(of: ": "), let end = frame.range(of: " rows,", range: colon.upperBound..<frame.endIndex)
        else { return nil }
        return Int(frame[colon.upperBound..<end.lowerBound].replacingOccurrences(of: ",", with: ""))
    }

    static func day(_ seconds: Int64) -> String { String(Timestamp.rfc3339(seconds: seconds).prefix(10)) }

    /// Neither a redraw nor any escape sequence: what a pipe must get (a pseudo-terminal turns
    /// each line break into `\r\n`, which is no redraw).
    static func expectNoProgress(_ result: ExporterCommand, _ what: String) {
        #expect(result.status == 0, "\(what): \(result.stdout)\(result.stderr)")
        let text = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(!text.contains("\r") && !text.contains("\u{1B}") && !text.contains("rows/s"),
                "\(what) drew progress: \(result.stdout.debugDescription)")
    }

    @Test func syncDrawsItsProgressOnATerminalOnlyAndEndsItBeforeTheReport() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let now = DaemonTests.clock()
            let window = ExportWindow.latestDue(now: now, grace: 0, interval: .daily)
            let connection = try await services.newConnection(seed: { tenant in
                try await services.seedUsage(tenant: tenant, rows: 2000, from: window.start, every: 40)
            })
            let environment = CommandLineTests().environment(services).merging(["EXPORTER_FETCH_ROWS": "100"]) { $1 }

            // The export is held before its first batch while the lock is taken, so the first batch
            // comes well after the line drawn at the start: it is drawn again with rows part-way.
            let lock = try await TableLock.take("feature_usage", services: services)
            async let terminal = ExporterCommand.run(["sync", "--connection", connection.id], environment: environment,
                                                     timeout: .seconds(180), underTerminal: true)
            let waited = try await eventually(timeout: .seconds(120)) { try await !lock.waiters(services).isEmpty }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await lock.release() == 0, "\(lock.log)")
            let result = try await terminal
            #expect(waited, "the sync never queried feature_usage: \(result.stdout)")
            #expect(result.status == 0, "\(result.stdout)")

            let frames = Self.frames(result.stdout)
            let prefix = "\(connection.id) feature_usage \(Self.day(window.start)): "
            #expect(frames.first == prefix + "0 rows, 0 B read, 0 B uploaded, 0 rows/s", "\(frames)")
            #expect(frames.contains { !$0.hasSuffix("succeeded") && (1..<2_000).contains(Self.rows($0) ?? 0) },
                    "no redraw part-way: \(frames)")
            let last = try #require(frames.last)
            #expect(last.hasPrefix(prefix + "2,000 rows, ") && last.contains(" read, ") && last.contains(" uploaded, ")
                    && last.hasSuffix(" rows/s, succeeded"), "\(last)")
            // The final line ends with a line break, so the report starts a line of its own.
            #expect(result.stdout.contains("succeeded\r\n\(connection.id) feature_usage [") && result.stdout.contains("succeeded, 2000 rows"),
                    "\(result.stdout.debugDescription)")

            // The same export again (--from/--to exports it even though it succeeded), piped.
            let range = ["--from", Self.day(window.start), "--to", Self.day(window.end)]
            let piped = try await ExporterCommand.run(["sync", "--connection", connection.id] + range, environment: environment)
            Self.expectNoProgress(piped, "sync on a pipe")
            #expect(piped.stdout.contains("succeeded, 2000 rows"), "\(piped.stdout)")

            // And under the terminal with --quiet.
            let quiet = try await ExporterCommand.run(["sync", "--connection", connection.id, "--quiet"] + range,
                                                      environment: environment, underTerminal: true)
            Self.expectNoProgress(quiet, "sync --quiet")
            #expect(quiet.stdout.contains("succeeded, 2000 rows"), "\(quiet.stdout)")
        }
    }

    @Test func backfillCountsItsWindowsOnATerminalOnly() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let now = DaemonTests.clock()
            let yesterday = ExportWindow.latestDue(now: now, grace: 0, interval: .daily)
            let first = yesterday.start - 6 * 86_400
            // 300 rows a day, read 100 at a time.
            let connection = try await services.newConnection(seed: { tenant in
                try await services.seedUsage(tenant: tenant, rows: 7 * 300, from: first, every: 288)
            })
            // At info, `run started` and `run finished` are logged to the same terminal: never inside a drawn line.
            let environment = CommandLineTests().environment(services)
                .merging(["EXPORTER_FETCH_ROWS": "100", "EXPORTER_LOG_LEVEL": "info"]) { $1 }
            let arguments = ["backfill", "--connection", connection.id, "--from", Self.day(first)]

            let terminal = try await ExporterCommand.run(arguments, environment: environment, timeout: .seconds(180),
                                                         underTerminal: true)
            #expect(terminal.status == 0, "\(terminal.stdout)")
            let finals = Self.frames(terminal.stdout).filter { $0.hasSuffix(", succeeded") }
            #expect(finals.count == 7, "\(finals)")
            for (index, frame) in finals.enumerated() {
                let day = Self.day(first + Int64(index) * 86_400)
                #expect(frame.hasPrefix("\(connection.id) feature_usage \(day) (window \(index + 1) of 7): 300 rows, "), "\(frame)")
            }
            #expect(finals.last?.contains("(window 7 of 7): 300 rows, ") == true, "\(finals)")
            #expect(terminal.stdout.contains("run finished"), "\(terminal.stdout)")
            #expect(!Self.frames(terminal.stdout).contains { $0.contains(" info ") }, "\(terminal.stdout.debugDescription)")
            #expect(try await services.runs(connection: connection.id).count == 7)

            let piped = try await ExporterCommand.run(arguments + ["--force"], environment: environment, timeout: .seconds(180))
            Self.expectNoProgress(piped, "backfill on a pipe")
            #expect(piped.stdout.components(separatedBy: "succeeded, 300 rows").count - 1 == 7, "\(piped.stdout)")

            let quiet = try await ExporterCommand.run(arguments + ["--force", "--quiet"], environment: environment,
                                                      timeout: .seconds(180), underTerminal: true)
            Self.expectNoProgress(quiet, "backfill --quiet")
            #expect(quiet.stdout.components(separatedBy: "succeeded, 300 rows").count - 1 == 7, "\(quiet.stdout)")
        }
    }

    /// A run held past EXPORTER_PROGRESS_LOG_SECONDS (by a lock on feature_usage) logs
    /// `run progress` with its figures at its first batch after.
    @Test func theDaemonLogsTheProgressOfARunThatTakesLonger() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let now = DaemonTests.clock()
            let window = ExportWindow.latestDue(now: now, grace: 0, interval: .daily)
            let connection = try await services.newConnection(seed: { tenant in
                try await services.seedUsage(tenant: tenant, rows: 1000, from: window.start, every: 40)
            })
            let lock = try await TableLock.take("feature_usage", services: services)
            let daemon = try ExporterProcess(["run"], environment: DaemonTests().environment(
                services, extra: ["EXPORTER_PROGRESS_LOG_SECONDS": "1", "EXPORTER_FETCH_ROWS": "100"]))
            let waiter = try await lock.firstWaiter(services, whileRunning: daemon.process)
            #expect(waiter != nil, "the daemon never queried feature_usage: \(daemon.log)")
            // Longer than the interval: the first batch after the lock is past it.
            try await Task.sleep(for: .milliseconds(1_500))
            #expect(try await lock.release() == 0, "\(lock.log)")
            let logged = try await eventually(timeout: .seconds(120)) { daemon.log.contains("run finished") }
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit(timeout: .seconds(60)) == 0, "\(daemon.log)")
            #expect(logged, "\(daemon.log)")

            let lines = daemon.log.split(separator: "\n").filter { $0.contains(" run progress") }
            let line = try #require(lines.first, "no progress line: \(daemon.log)")
            #expect(line.contains(" info "), "\(line)")
            for field in ["connection=\(connection.id)", "entity=feature_usage", "window=\(window)", "rows=", "bytes_read=",
                          "bytes_uploaded=", "rows_per_second=", "run="] {
                #expect(line.contains(field), "\(field) missing: \(line)")
            }
            #expect(try await services.runs(connection: connection.id).map(\.status) == ["succeeded"], "\(daemon.log)")
        }
    }
}
