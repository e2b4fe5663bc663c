import ExporterCore
import ExporterProgress
import Synchronization
import Testing

/// What `ProgressLine` writes to the terminal, byte for byte, with time moved by the test.
struct ProgressLineTests {
    /// The terminal and the clock of one test.
    final class Terminal: Sendable {
        let written = Mutex<[String]>([])
        let time = Mutex(Duration.zero)
        let width = Mutex<Int?>(nil)

        var output: [String] { written.withLock { $0 } }
        func advance(_ by: Duration) { time.withLock { $0 += by } }

        func line(redraw: Duration = .milliseconds(100)) -> ProgressLine {
            ProgressLine(write: { text in self.written.withLock { $0.append(text) } },
                         now: { self.time.withLock { $0 } }, columns: { self.width.withLock { $0 } },
                         redrawInterval: redraw)
        }
    }

    static let erase = "\r\u{1B}[2K"
    static let day: Int64 = 1_795_132_800 // 2026-11-20T00:00:00Z

    static func key(_ entity: EntityType = .featureUsage, day offset: Int64 = 0) -> RunKey {
        let start = day + offset * 86_400
        return RunKey(connectionID: "c1", tenantID: "t", environmentID: "", entity: entity, interval: .daily,
                      window: ExportWindow(start: start, end: start + 86_400))
    }

    static func progress(_ rows: Int64, seconds: Int64 = 1) -> RunProgress {
        RunProgress(rows: rows, bytesRead: rows * 100, bytesUploaded: rows * 10, elapsed: .seconds(seconds))
    }

    static func succeeded(_ progress: RunProgress) -> RunEvent.Result {
        .succeeded(RunOutcome(rowCount: progress.rows, bytesRaw: 0, bytesUploaded: progress.bytesUploaded, objectCount: 1,
                              manifestKey: "m", objectURL: "u", sha256: "", bytesRead: progress.bytesRead))
    }

    @Test func theDayConstantIsTwentiethOfNovember() {
        #expect(Timestamp.parse("2026-11-20") == Self.day)
    }

    @Test func redrawsAtMostOncePerIntervalAndEndsTheRunWithItsFinalFiguresAndALineBreak() {
        let terminal = Terminal()
        let line = terminal.line()
        let key = Self.key()
        line.observe(.started(key, runID: 1, trigger: .manual))
        line.observe(.progressed(key, runID: 1, Self.progress(1_000)))   // within 100 ms of the start's draw
        terminal.advance(.milliseconds(60))
        line.observe(.progressed(key, runID: 1, Self.progress(2_000)))   // 60 ms: held back
        terminal.advance(.milliseconds(40))
        line.observe(.progressed(key, runID: 1, Self.progress(3_000)))   // 100 ms: drawn
        let final = Self.progress(3_500, seconds: 2)
        line.observe(.finished(key, runID: 1, trigger: .manual, result: Self.succeeded(final), progress: final))
        #expect(terminal.output == [
            Self.erase + "c1 feature_usage 2026-11-20: 0 rows, 0 B read, 0 B uploaded, 0 rows/s",
            Self.erase + "c1 feature_usage 2026-11-20: 3,000 rows, 293.0 KiB read, 29.3 KiB uploaded, 3,000 rows/s",
            Self.erase + "c1 feature_usage 2026-11-20: 3,500 rows, 341.8 KiB read, 34.2 KiB uploaded, 1,750 rows/s, succeeded\n",
        ])
    }

    @Test func aBackfillCountsWindowsSkippedOnesIncluded() {
        let terminal = Terminal()
        let line = terminal.line()
        line.observe(.planned(runs: 3))
        line.observe(.finished(Self.key(day: 0), runID: nil, trigger: .backfill, result: .skipped, progress: RunProgress()))
        for (runID, day) in [(Int64(7), Int64(1)), (8, 2)] {
            let key = Self.key(day: day)
            line.observe(.started(key, runID: runID, trigger: .backfill))
            terminal.advance(.seconds(1))
            let final = Self.progress(24)
            line.observe(.finished(key, runID: runID, trigger: .backfill, result: Self.succeeded(final), progress: final))
        }
        // Nothing is written for the skipped window; it still counts as the first of three.
        #expect(terminal.output == [
            Self.erase + "c1 feature_usage 2026-11-21 (window 2 of 3): 0 rows, 0 B read, 0 B uploaded, 0 rows/s",
            Self.erase + "c1 feature_usage 2026-11-21 (window 2 of 3): 24 rows, 2.3 KiB read, 240 B uploaded, 24 rows/s, succeeded\n",
            Self.erase + "c1 feature_usage 2026-11-22 (window 3 of 3): 0 rows, 0 B read, 0 B uploaded, 0 rows/s",
            Self.erase + "c1 feature_usage 2026-11-22 (window 3 of 3): 24 rows, 2.3 KiB read, 240 B uploaded, 24 rows/s, succeeded\n",
        ])
    }

    @Test func aRunTooQuickToBeDrawnStillLeavesItsFinalLine() {
        let terminal = Terminal()
        let line = terminal.line()
        let first = Self.key(day: 0)
        let second = Self.key(day: 1)
        let final = Self.progress(24)
        line.observe(.started(first, runID: 1, trigger: .manual))
        line.observe(.finished(first, runID: 1, trigger: .manual, result: Self.succeeded(final), progress: final))
        terminal.advance(.milliseconds(50))
        line.observe(.started(second, runID: 2, trigger: .manual)) // 50 ms after the last draw: not drawn
        line.observe(.finished(second, runID: 2, trigger: .manual, result: Self.succeeded(final), progress: final))
        #expect(terminal.output == [
            Self.erase + "c1 feature_usage 2026-11-20: 0 rows, 0 B read, 0 B uploaded, 0 rows/s",
            Self.erase + "c1 feature_usage 2026-11-20: 24 rows, 2.3 KiB read, 240 B uploaded, 24 rows/s, succeeded\n",
            Self.erase + "c1 feature_usage 2026-11-21: 24 rows, 2.3 KiB read, 240 B uploaded, 24 rows/s, succeeded\n",
        ])
    }

    @Test func concurrentRunsShareOneLineAndEachLeavesItsFinalLine() {
        let terminal = Terminal()
        let line = terminal.line()
        let usage = Self.key(.featureUsage)
        let invoices = Self.key(.invoice)
        line.observe(.started(usage, runID: 1, trigger: .schedule))
        terminal.advance(.milliseconds(100))
        line.observe(.started(invoices, runID: 2, trigger: .schedule))
        terminal.advance(.milliseconds(100))
        line.observe(.progressed(usage, runID: 1, Self.progress(500)))
        let final = Self.progress(10)
        line.observe(.finished(invoices, runID: 2, trigger: .schedule, result: Self.succeeded(final), progress: final))
        line.observe(.finished(usage, runID: 1, trigger: .schedule, result: .failed(.database("gone")),
                               progress: RunProgress(elapsed: .seconds(2))))
        #expect(terminal.output == [
            Self.erase + "c1 feature_usage 2026-11-20: 0 rows, 0 B read, 0 B uploaded, 0 rows/s",
            Self.erase + "c1 invoice 2026-11-20: 0 rows, 0 B read, 0 B uploaded, 0 rows/s (2 runs in progress)",
            Self.erase + "c1 feature_usage 2026-11-20: 500 rows, 48.8 KiB read, 4.9 KiB uploaded, 500 rows/s (2 runs in progress)",
            // The invoice run's final line, then the run still going, drawn again at once.
            Self.erase + "c1 invoice 2026-11-20: 10 rows, 1000 B read, 100 B uploaded, 10 rows/s, succeeded\n"
                + Self.erase + "c1 feature_usage 2026-11-20: 500 rows, 48.8 KiB read, 4.9 KiB uploaded, 500 rows/s",
            // A failed run keeps the figures it reached, over its whole time.
            Self.erase + "c1 feature_usage 2026-11-20: 500 rows, 48.8 KiB read, 4.9 KiB uploaded, 250 rows/s, failed (database)\n",
        ])
    }

    @Test func aLogLineClearsTheLiveLineWhichIsDrawnAgainAtTheNextReport() {
        let terminal = Terminal()
        let line = terminal.line()
        let logged = Mutex<[String]>([])
        let sink = line.logSink { text in
            terminal.written.withLock { $0.append("log:" + text) }
            logged.withLock { $0.append(text) }
        }
        sink("before\n") // no live line yet: nothing to clear
        let key = Self.key()
        line.observe(.started(key, runID: 1, trigger: .manual))
        sink("during\n")
        line.observe(.progressed(key, runID: 1, Self.progress(5))) // not 100 ms later, but the line was cleared
        line.close()
        line.close()
        #expect(terminal.output == [
            "log:before\n",
            Self.erase + "c1 feature_usage 2026-11-20: 0 rows, 0 B read, 0 B uploaded, 0 rows/s",
            Self.erase,
            "log:during\n",
            Self.erase + "c1 feature_usage 2026-11-20: 5 rows, 500 B read, 50 B uploaded, 5 rows/s",
            "\n",
        ])
        #expect(logged.withLock { $0 } == ["before\n", "during\n"])
    }

    @Test func theLiveLineIsCutToTheTerminalWidthButTheFinalLineIsNot() {
        let terminal = Terminal()
        terminal.width.withLock { $0 = 30 }
        let line = terminal.line()
        let key = Self.key()
        line.observe(.started(key, runID: 1, trigger: .manual))
        let final = Self.progress(1)
        line.observe(.finished(key, runID: 1, trigger: .manual, result: Self.succeeded(final), progress: final))
        #expect(terminal.output == [
            Self.erase + "c1 feature_usage 2026-11-2...",
            Self.erase + "c1 feature_usage 2026-11-20: 1 row, 100 B read, 10 B uploaded, 1 rows/s, succeeded\n",
        ])
    }

    @Test func passesAndRunsThatNeverStartedWriteNothing() {
        let terminal = Terminal()
        let line = terminal.line()
        line.observe(.finished(Self.key(), runID: nil, trigger: .schedule, result: .failed(.database("down")), progress: RunProgress()))
        line.observe(.passFinished(PassFigures(duration: .seconds(1), activeConnections: 1, inactiveConnections: 0,
                                               invalidConnections: 0)))
        line.close()
        #expect(terminal.output.isEmpty)
    }
}
