import ExporterCore
import ExporterProgress
import Logging
import Synchronization
import Testing

/// The daemon's `run progress` lines: one per interval of a run's own elapsed time.
struct ProgressLogTests {
    /// Keeps every log event, for the test to read.
    struct Recorder: LogHandler {
        let log: Log
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            log.events.withLock { $0.append((event.message.description, event.metadata ?? [:])) }
        }
    }

    final class Log: Sendable {
        let events = Mutex<[(message: String, metadata: Logger.Metadata)]>([])
        var logger: Logger { Logger(label: "test") { _ in Recorder(log: self) } }
    }

    static let key = RunKey(connectionID: "c1", tenantID: "t", environmentID: "", entity: .featureUsage, interval: .daily,
                            window: ExportWindow(start: 1_795_132_800, end: 1_795_219_200))

    static func progress(_ rows: Int64, seconds: Int64) -> RunProgress {
        RunProgress(rows: rows, bytesRead: rows * 100, bytesUploaded: rows * 10, elapsed: .seconds(seconds))
    }

    @Test func logsOncePerIntervalSinceTheStartOrTheLastLine() {
        let log = Log()
        let observer = ProgressLog(logger: log.logger, interval: .seconds(30))
        observer.observe(.started(Self.key, runID: 5, trigger: .schedule))
        observer.observe(.progressed(Self.key, runID: 5, Self.progress(100, seconds: 10)))
        observer.observe(.progressed(Self.key, runID: 5, Self.progress(300, seconds: 30)))  // 30 s: a line
        observer.observe(.progressed(Self.key, runID: 5, Self.progress(500, seconds: 59)))  // 29 s after it: none
        observer.observe(.progressed(Self.key, runID: 5, Self.progress(700, seconds: 61)))  // 31 s after it: a line
        let events = log.events.withLock { $0 }
        #expect(events.map(\.message) == ["run progress", "run progress"])
        let first = events.first?.metadata.mapValues { "\($0)" }
        #expect(first == [
            "run": "5", "connection": "c1", "entity": "feature_usage",
            "window": "[2026-11-20T00:00:00Z, 2026-11-21T00:00:00Z)", "rows": "300", "bytes_read": "30000",
            "bytes_uploaded": "3000", "rows_per_second": "10", "elapsed": "30.000s",
        ])
        #expect(events.last?.metadata["rows"] == "700")
    }

    @Test func aShortRunLogsNothingAndAnEndedRunIsForgotten() {
        let log = Log()
        let observer = ProgressLog(logger: log.logger, interval: .seconds(30))
        observer.observe(.started(Self.key, runID: 1, trigger: .schedule))
        observer.observe(.progressed(Self.key, runID: 1, Self.progress(10, seconds: 2)))
        observer.observe(.finished(Self.key, runID: 1, trigger: .schedule, result: .skipped, progress: RunProgress()))
        observer.observe(.planned(runs: 3))
        #expect(log.events.withLock { $0 }.isEmpty)
    }

    @Test func concurrentRunsAreTimedEachOnItsOwn() {
        let log = Log()
        let observer = ProgressLog(logger: log.logger, interval: .seconds(1))
        observer.observe(.started(Self.key, runID: 1, trigger: .schedule))
        observer.observe(.started(Self.key, runID: 2, trigger: .schedule))
        observer.observe(.progressed(Self.key, runID: 1, Self.progress(1, seconds: 1)))
        observer.observe(.progressed(Self.key, runID: 2, Self.progress(2, seconds: 1)))
        observer.observe(.progressed(Self.key, runID: 1, Self.progress(3, seconds: 1)))
        #expect(log.events.withLock { $0 }.map { $0.metadata["run"] ?? "" } == ["1", "2"])
    }
}
