import ExporterCore
import Prometheus
import Synchronization

/// The daemon's Prometheus figures (DESIGN §7), kept in its own registry and fed by the engine's
/// ``RunObserver`` events, the S3 client's request hook and the run history's stream positions.
///
/// The registry is this object's, not a process-wide `MetricsSystem`: no global state, and each
/// test reads exactly what it fed. Collectors are made straight on the registry (not through
/// swift-metrics' facade) because only the registry takes a HELP text and histogram buckets per
/// metric, which an operator reading `/metrics` needs.
///
/// Counting rules:
/// - `runs_total` counts runs that ended, by status `succeeded` or `failed` (a run that failed
///   before it could start counts as failed); skipped windows are not runs.
/// - `rows_total` and `uploaded_bytes_total` grow as each batch is handed to the upload, so
///   `rate()` shows the throughput of a long export while it runs; a run that fails has still
///   read and sent what it did.
/// - `run_duration_seconds` observes each started run at its end, succeeded or failed.
public final class MetricsObserver: RunObserver, Sendable {
    /// Every metric name this observer serves (histograms without their `_bucket`, `_sum` and
    /// `_count` series): the alert rules may use these and no other `flexprice_exporter_` name.
    public static let metricNames: [String] = [
        "flexprice_exporter_runs_total", "flexprice_exporter_rows_total", "flexprice_exporter_uploaded_bytes_total",
        "flexprice_exporter_run_duration_seconds", "flexprice_exporter_pass_duration_seconds",
        "flexprice_exporter_connections", "flexprice_exporter_s3_requests_total",
        "flexprice_exporter_last_success_window_end_seconds", "flexprice_exporter_windows_behind",
        "flexprice_exporter_failing_windows", "flexprice_exporter_connection_problem",
        "flexprice_exporter_delta_table_version",
    ]

    /// Run durations: seconds for a small window, up to hours for a month of usage events.
    static let runBuckets: [Duration] = [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200].map { .seconds($0) }
    /// Pass durations: from an idle pass (planning only) to a long catch-up.
    /// (Milliseconds, not `.seconds(0.1)`: a binary fraction would print as 0.100000000000000005.)
    static let passBuckets: [Duration] = [.milliseconds(100), .milliseconds(500)]
        + [1, 5, 15, 30, 60, 300, 900, 3_600].map { .seconds($0) }

    public let registry: PrometheusCollectorRegistry

    private struct Stream: Hashable {
        var connection: String
        var entity: String
    }

    private struct Problem: Hashable {
        var connection: String
        var code: String
    }

    private struct State {
        /// The figures last counted per run in flight, so each progress event adds only its delta.
        var counted: [Int64: RunProgress] = [:]
        /// The streams whose position gauges are registered, to drop those gone from the history.
        var positioned: Set<Stream> = []
        /// The connections (and error codes) whose problem gauge is registered.
        var problems: Set<Problem> = []
    }

    private let state = Mutex(State())

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        // The connection gauges and the pass histogram exist from the start (0 until the first
        // pass), so a dashboard sees them and the rules can tell "no pass completed yet" (a count
        // that does not grow) from "no series".
        for name in ["active", "inactive", "invalid"] { connections(name).set(Int64(0)) }
        _ = passDurations()
    }

    /// The registry's text exposition (Prometheus text format 0.0.4).
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    // MARK: RunObserver

    public func observe(_ event: RunEvent) {
        switch event {
        case .planned:
            break
        case .started(_, let runID, _):
            state.withLock { $0.counted[runID] = RunProgress() }
        case .progressed(let key, let runID, let progress):
            count(key, runID: runID, progress)
        case .finished(let key, let runID, let trigger, let result, let progress):
            let status: String
            switch result {
            case .skipped: return
            case .succeeded: status = "succeeded"
            case .failed: status = "failed"
            }
            if let runID {
                count(key, runID: runID, progress)
                state.withLock { _ = $0.counted.removeValue(forKey: runID) }
                registry.makeDurationHistogram(descriptor: Self.runDuration, labels: [("entity", key.entity.rawValue)],
                                               buckets: Self.runBuckets)
                    .record(progress.elapsed)
            }
            registry.makeCounter(descriptor: Self.runs, labels: [
                ("connection", Self.connectionLabel(key)), ("entity", key.entity.rawValue), ("trigger", trigger.rawValue),
                ("status", status),
            ]).increment()
        case .passFinished(let figures):
            passDurations().record(figures.duration)
            connections("active").set(Int64(figures.activeConnections))
            connections("inactive").set(Int64(figures.inactiveConnections))
            connections("invalid").set(Int64(figures.invalidConnections))
        }
    }

    /// Adds what `progress` holds beyond what was counted for the run. The final figures of a
    /// failed run are zero: never less than counted, so nothing is taken back.
    private func count(_ key: RunKey, runID: Int64, _ progress: RunProgress) {
        let (rows, bytes) = state.withLock { state -> (Int64, Int64) in
            let before = state.counted[runID] ?? RunProgress()
            let rows = max(0, progress.rows - before.rows)
            let bytes = max(0, progress.bytesUploaded - before.bytesUploaded)
            state.counted[runID] = RunProgress(rows: before.rows + rows, bytesRead: 0,
                                               bytesUploaded: before.bytesUploaded + bytes)
            return (rows, bytes)
        }
        let labels = [("connection", Self.connectionLabel(key)), ("entity", key.entity.rawValue)]
        // Touch both counters even for a zero delta, so a stream's series exist from its first run.
        registry.makeCounter(descriptor: Self.rows, labels: labels).increment(by: rows)
        registry.makeCounter(descriptor: Self.uploadedBytes, labels: labels).increment(by: bytes)
    }

    /// The `connection` label of a run's series: `id/task` for a scheduled task's stream.
    static func connectionLabel(_ key: RunKey) -> String {
        ExportStream.label(connectionID: key.connectionID, scheduledTaskID: key.scheduledTaskID)
    }

    // MARK: S3 requests

    /// One S3 request's outcome: the S3 operation and the HTTP status, or `network`.
    public func countS3Request(operation: String, code: String) {
        registry.makeCounter(descriptor: Self.s3Requests, labels: [("operation", operation), ("code", code)]).increment()
    }

    // MARK: Stream positions

    /// Sets the position gauges to what the run history says, and drops the series of streams
    /// it no longer lists (a deactivated connection, a removed entity). A stream without a
    /// success yet has `windows_behind` but no `last_success_window_end_seconds`.
    public func updateStreamPositions(_ positions: [StreamPosition]) {
        var seen: Set<Stream> = []
        for position in positions {
            let stream = Stream(connection: position.connectionID, entity: position.entity)
            seen.insert(stream)
            let labels = [("connection", stream.connection), ("entity", stream.entity)]
            registry.makeGauge(descriptor: Self.windowsBehind, labels: labels).set(Int64(position.windowsBehind))
            registry.makeGauge(descriptor: Self.failingWindows, labels: labels).set(Int64(position.failingWindows))
            let end = registry.makeGauge(descriptor: Self.lastSuccess, labels: labels)
            if let last = position.lastSuccessWindowEnd { end.set(last) } else { registry.unregisterGauge(end) }
            let version = registry.makeGauge(descriptor: Self.deltaTableVersion, labels: labels)
            if let table = position.deltaTableVersion { version.set(table) } else { registry.unregisterGauge(version) }
        }
        let gone = state.withLock { state -> Set<Stream> in
            let gone = state.positioned.subtracting(seen)
            state.positioned = seen
            return gone
        }
        for stream in gone {
            let labels = [("connection", stream.connection), ("entity", stream.entity)]
            registry.unregisterGauge(registry.makeGauge(descriptor: Self.windowsBehind, labels: labels))
            registry.unregisterGauge(registry.makeGauge(descriptor: Self.failingWindows, labels: labels))
            registry.unregisterGauge(registry.makeGauge(descriptor: Self.lastSuccess, labels: labels))
            registry.unregisterGauge(registry.makeGauge(descriptor: Self.deltaTableVersion, labels: labels))
        }
    }

    /// Sets `connection_problem` to 1 for each open connection problem (connection id -> error
    /// code, from `connection_problems`), and drops the series of problems that were resolved.
    public func updateConnectionProblems(_ problems: [String: String]) {
        let current = Set(problems.map { Problem(connection: $0.key, code: $0.value) })
        for problem in current {
            registry.makeGauge(descriptor: Self.connectionProblem,
                               labels: [("connection", problem.connection), ("code", problem.code)]).set(Int64(1))
        }
        let gone = state.withLock { state -> Set<Problem> in
            let gone = state.problems.subtracting(current)
            state.problems = current
            return gone
        }
        for problem in gone {
            registry.unregisterGauge(registry.makeGauge(descriptor: Self.connectionProblem,
                                                        labels: [("connection", problem.connection), ("code", problem.code)]))
        }
    }

    private func passDurations() -> DurationHistogram {
        registry.makeDurationHistogram(descriptor: Self.passDuration, buckets: Self.passBuckets)
    }

    private func connections(_ state: String) -> Gauge {
        registry.makeGauge(descriptor: Self.connectionsGauge, labels: [("state", state)])
    }

    // MARK: Names and help

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "flexprice_exporter", metricName: metric, unitName: unit, helpText: help)
    }

    // Computed: swift-prometheus' descriptor is not Sendable, so it cannot be a stored static.
    static var runs: MetricNameDescriptor { name("runs", "total", "Export runs that ended, by trigger and status (succeeded, failed); skipped windows are not counted.") }
    static var rows: MetricNameDescriptor { name("rows", "total", "Rows read and handed to the upload, counted as each batch goes.") }
    static var uploadedBytes: MetricNameDescriptor { name("uploaded_bytes", "total", "Bytes (as stored, after compression) handed to the upload.") }
    static var runDuration: MetricNameDescriptor { name("run_duration", "seconds", "Wall time of each started run, succeeded or failed.") }
    static var passDuration: MetricNameDescriptor { name("pass_duration", "seconds", "Wall time of each scheduler pass, planning included.") }
    static var connectionsGauge: MetricNameDescriptor { name("connections", "", "Published S3 connections at the last pass: active, inactive (sync_active false), invalid (unreadable settings or secrets).") }
    static var s3Requests: MetricNameDescriptor { name("s3_requests", "total", "S3 requests by operation and HTTP status (code network when no response came), retries included.") }
    static var lastSuccess: MetricNameDescriptor { name("last_success_window_end", "seconds", "End of the last succeeded window, Unix time, from the run history.") }
    static var windowsBehind: MetricNameDescriptor { name("windows_behind", "", "Due windows after the last succeeded one, from the run history.") }
    static var deltaTableVersion: MetricNameDescriptor { name("delta_table_version", "", "The stream's Delta table version (table_format delta), from its last commit.") }
    static var failingWindows: MetricNameDescriptor { name("failing_windows", "", "Windows whose latest run failed (retried with back-off until one succeeds), from the run history.") }
    static var connectionProblem: MetricNameDescriptor { name("connection_problem", "", "1 for each connection that cannot be exported (unreadable settings or credentials), by error code.") }
}
