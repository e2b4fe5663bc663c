import ExporterCore
import ExporterMetrics
import Testing

/// The observer's arithmetic: events in, the registry's exact text out (DESIGN §7 names and labels).
struct MetricsObserverTests {
    static let window = ExportWindow(start: 1_764_547_200, end: 1_764_633_600)

    static func key(_ connection: String = "c1", _ entity: EntityType = .invoice) -> RunKey {
        RunKey(connectionID: connection, tenantID: "t", environmentID: "e", entity: entity, interval: .daily, window: window)
    }

    /// The exposition's sample lines (HELP and TYPE lines apart), as a set: the registry emits
    /// families in no fixed order.
    static func samples(_ observer: MetricsObserver) -> Set<String> {
        Set(String(decoding: observer.exposition(), as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("#") })
    }

    static func outcome(rows: Int64, bytes: Int64) -> RunOutcome {
        RunOutcome(rowCount: rows, bytesRaw: rows * 10, bytesUploaded: bytes, objectCount: 1, manifestKey: "m",
                   objectURL: "s3://b/k", sha256: "")
    }

    @Test func startsWithTheConnectionGaugesAndAnEmptyPassHistogramOnly() {
        let buckets = ["0.1", "0.5", "1.0", "5.0", "15.0", "30.0", "60.0", "300.0", "900.0", "3600.0", "+Inf"]
        #expect(Self.samples(MetricsObserver()) == Set([
            #"flexprice_exporter_connections{state="active"} 0.0"#,
            #"flexprice_exporter_connections{state="inactive"} 0.0"#,
            #"flexprice_exporter_connections{state="invalid"} 0.0"#,
            "flexprice_exporter_pass_duration_seconds_sum 0.0",
            "flexprice_exporter_pass_duration_seconds_count 0",
        ] + buckets.map { #"flexprice_exporter_pass_duration_seconds_bucket{le="\#($0)"} 0"# }))
    }

    @Test func countsEndedRunsRowsAndBytesButNotSkippedWindows() {
        let observer = MetricsObserver()
        let key = Self.key()
        // Run 1 succeeds after two batches.
        observer.observe(.started(key, runID: 1, trigger: .schedule))
        observer.observe(.progressed(key, runID: 1, RunProgress(rows: 100, bytesRead: 5_000, bytesUploaded: 1_000, elapsed: .seconds(1))))
        observer.observe(.progressed(key, runID: 1, RunProgress(rows: 250, bytesRead: 9_000, bytesUploaded: 2_000, elapsed: .seconds(2))))
        observer.observe(.finished(key, runID: 1, trigger: .schedule, result: .succeeded(Self.outcome(rows: 250, bytes: 2_500)),
                                   progress: RunProgress(rows: 250, bytesRead: 9_000, bytesUploaded: 2_500, elapsed: .seconds(2.5))))
        // Run 2 fails after one batch: what it read and sent stays counted.
        observer.observe(.started(key, runID: 2, trigger: .catchUp))
        observer.observe(.progressed(key, runID: 2, RunProgress(rows: 40, bytesRead: 800, bytesUploaded: 300, elapsed: .seconds(0.5))))
        observer.observe(.finished(key, runID: 2, trigger: .catchUp, result: .failed(.network("reset")),
                                   progress: RunProgress(elapsed: .seconds(1))))
        // A run that failed before it could start, and a skipped window (not a run).
        observer.observe(.finished(key, runID: nil, trigger: .catchUp, result: .failed(.config(connection: "c1", field: "s3.bucket", problem: "is missing")),
                                   progress: RunProgress()))
        observer.observe(.finished(Self.key("c9"), runID: nil, trigger: .schedule, result: .skipped, progress: RunProgress()))

        let samples = Self.samples(observer)
        let expected: Set<String> = [
            #"flexprice_exporter_runs_total{connection="c1",entity="invoice",trigger="schedule",status="succeeded"} 1"#,
            #"flexprice_exporter_runs_total{connection="c1",entity="invoice",trigger="catch_up",status="failed"} 2"#,
            #"flexprice_exporter_rows_total{connection="c1",entity="invoice"} 290"#,
            #"flexprice_exporter_uploaded_bytes_total{connection="c1",entity="invoice"} 2800"#,
            #"flexprice_exporter_run_duration_seconds_bucket{entity="invoice",le="1.0"} 1"#,
            #"flexprice_exporter_run_duration_seconds_bucket{entity="invoice",le="5.0"} 2"#,
            #"flexprice_exporter_run_duration_seconds_bucket{entity="invoice",le="7200.0"} 2"#,
            #"flexprice_exporter_run_duration_seconds_bucket{entity="invoice",le="+Inf"} 2"#,
            #"flexprice_exporter_run_duration_seconds_sum{entity="invoice"} 3.5"#,
            #"flexprice_exporter_run_duration_seconds_count{entity="invoice"} 2"#,
        ]
        #expect(expected.subtracting(samples).isEmpty, "missing: \(expected.subtracting(samples))")
        #expect(!samples.contains { $0.contains("c9") }, "a skipped window counted: \(samples)")
        #expect(samples.filter { $0.hasPrefix("flexprice_exporter_runs_total") }.count == 2)
        #expect(samples.filter { $0.hasPrefix("flexprice_exporter_run_duration_seconds_bucket") }.count == 12)
    }

    @Test func passFiguresSetTheConnectionGaugesAndThePassHistogram() {
        let observer = MetricsObserver()
        observer.observe(.passFinished(PassFigures(duration: .milliseconds(300), activeConnections: 3,
                                                   inactiveConnections: 1, invalidConnections: 2)))
        observer.observe(.passFinished(PassFigures(duration: .seconds(20), activeConnections: 4,
                                                   inactiveConnections: 0, invalidConnections: 2)))
        let samples = Self.samples(observer)
        for line in [
            #"flexprice_exporter_connections{state="active"} 4.0"#,
            #"flexprice_exporter_connections{state="inactive"} 0.0"#,
            #"flexprice_exporter_connections{state="invalid"} 2.0"#,
            #"flexprice_exporter_pass_duration_seconds_bucket{le="0.1"} 0"#,
            #"flexprice_exporter_pass_duration_seconds_bucket{le="0.5"} 1"#,
            #"flexprice_exporter_pass_duration_seconds_bucket{le="15.0"} 1"#,
            #"flexprice_exporter_pass_duration_seconds_bucket{le="30.0"} 2"#,
            #"flexprice_exporter_pass_duration_seconds_bucket{le="+Inf"} 2"#,
            #"flexprice_exporter_pass_duration_seconds_sum 20.3"#,
            #"flexprice_exporter_pass_duration_seconds_count 2"#,
        ] {
            #expect(samples.contains(line), "\(line) not in \(samples.sorted())")
        }
    }

    @Test func countsS3RequestsByOperationAndCode() {
        let observer = MetricsObserver()
        observer.countS3Request(operation: "UploadPart", code: "200")
        observer.countS3Request(operation: "UploadPart", code: "200")
        observer.countS3Request(operation: "UploadPart", code: "503")
        observer.countS3Request(operation: "PutObject", code: "network")
        let samples = Self.samples(observer).filter { $0.hasPrefix("flexprice_exporter_s3") }
        #expect(samples == [
            #"flexprice_exporter_s3_requests_total{operation="UploadPart",code="200"} 2"#,
            #"flexprice_exporter_s3_requests_total{operation="UploadPart",code="503"} 1"#,
            #"flexprice_exporter_s3_requests_total{operation="PutObject",code="network"} 1"#,
        ])
    }

    @Test func streamPositionsFollowTheRunHistory() {
        let observer = MetricsObserver()
        observer.updateStreamPositions([
            StreamPosition(connectionID: "c1", entity: "invoice", lastSuccessWindowEnd: 1_764_633_600, windowsBehind: 0),
            StreamPosition(connectionID: "c2", entity: "customer", lastSuccessWindowEnd: 1_764_547_200, windowsBehind: 3,
                           failingWindows: 2),
        ])
        var samples = Self.samples(observer).filter { !$0.contains("connections{") && !$0.contains("pass_duration") }
        #expect(samples.sorted() == [
            #"flexprice_exporter_failing_windows{connection="c1",entity="invoice"} 0.0"#,
            #"flexprice_exporter_failing_windows{connection="c2",entity="customer"} 2.0"#,
            #"flexprice_exporter_last_success_window_end_seconds{connection="c1",entity="invoice"} 1764633600.0"#,
            #"flexprice_exporter_last_success_window_end_seconds{connection="c2",entity="customer"} 1764547200.0"#,
            #"flexprice_exporter_windows_behind{connection="c1",entity="invoice"} 0.0"#,
            #"flexprice_exporter_windows_behind{connection="c2",entity="customer"} 3.0"#,
        ])
        // c2 is gone (deactivated) and c3 is new, without a success yet.
        observer.updateStreamPositions([
            StreamPosition(connectionID: "c1", entity: "invoice", lastSuccessWindowEnd: 1_764_720_000, windowsBehind: 1),
            StreamPosition(connectionID: "c3", entity: "price", lastSuccessWindowEnd: nil, windowsBehind: 1, failingWindows: 1),
        ])
        samples = Self.samples(observer).filter { !$0.contains("connections{") && !$0.contains("pass_duration") }
        #expect(samples.sorted() == [
            #"flexprice_exporter_failing_windows{connection="c1",entity="invoice"} 0.0"#,
            #"flexprice_exporter_failing_windows{connection="c3",entity="price"} 1.0"#,
            #"flexprice_exporter_last_success_window_end_seconds{connection="c1",entity="invoice"} 1764720000.0"#,
            #"flexprice_exporter_windows_behind{connection="c1",entity="invoice"} 1.0"#,
            #"flexprice_exporter_windows_behind{connection="c3",entity="price"} 1.0"#,
        ])
    }

    /// A connection that cannot be exported is one series while its problem is open; it goes
    /// away when the problem is resolved, and a changed error code replaces it.
    @Test func connectionProblemsAreOneSeriesEachWhileOpen() {
        let observer = MetricsObserver()
        observer.updateConnectionProblems(["c1": "config", "c2": "decryption"])
        var samples = Self.samples(observer).filter { $0.contains("connection_problem") }
        #expect(samples.sorted() == [
            #"flexprice_exporter_connection_problem{connection="c1",code="config"} 1.0"#,
            #"flexprice_exporter_connection_problem{connection="c2",code="decryption"} 1.0"#,
        ])
        observer.updateConnectionProblems(["c2": "config"])
        samples = Self.samples(observer).filter { $0.contains("connection_problem") }
        #expect(samples == [#"flexprice_exporter_connection_problem{connection="c2",code="config"} 1.0"#])
        observer.updateConnectionProblems([:])
        #expect(Self.samples(observer).filter { $0.contains("connection_problem") }.isEmpty)
    }

    /// A Delta stream's table version is a gauge of its stream; a stream of plain files has none,
    /// and the series goes when the stream does.
    @Test func aDeltaStreamsTableVersionIsItsGauge() {
        let observer = MetricsObserver()
        observer.updateStreamPositions([
            StreamPosition(connectionID: "c1", entity: "invoice", lastSuccessWindowEnd: 1, windowsBehind: 0, deltaTableVersion: 12),
            StreamPosition(connectionID: "c1", entity: "customer", lastSuccessWindowEnd: 1, windowsBehind: 0),
        ])
        #expect(Self.samples(observer).filter { $0.contains("delta_table_version") }
            == [#"flexprice_exporter_delta_table_version{connection="c1",entity="invoice"} 12.0"#])
        observer.updateStreamPositions([])
        #expect(Self.samples(observer).filter { $0.contains("delta_table_version") }.isEmpty)
    }

    @Test func everyServedNameIsListed() {
        let observer = MetricsObserver()
        let key = Self.key()
        observer.observe(.started(key, runID: 1, trigger: .schedule))
        observer.observe(.finished(key, runID: 1, trigger: .schedule, result: .succeeded(Self.outcome(rows: 1, bytes: 1)),
                                   progress: RunProgress(rows: 1, bytesUploaded: 1, elapsed: .seconds(1))))
        observer.observe(.passFinished(PassFigures(duration: .seconds(1), activeConnections: 1, inactiveConnections: 0,
                                                   invalidConnections: 0)))
        observer.countS3Request(operation: "PutObject", code: "200")
        observer.updateStreamPositions([StreamPosition(connectionID: "c1", entity: "invoice", lastSuccessWindowEnd: 1, windowsBehind: 0,
                                                       deltaTableVersion: 12)])
        observer.updateConnectionProblems(["c2": "config"])
        let types = Set(String(decoding: observer.exposition(), as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
        #expect(types == Set(MetricsObserver.metricNames))
    }

    /// A scheduled task's stream is a series of its own (`connection/task`), apart from the
    /// connection's own stream of the same entity.
    @Test func aScheduledTasksRunsAreSeriesOfTheirOwn() {
        let observer = MetricsObserver()
        let window = ExportWindow(start: 0, end: 3_600)
        for task in [nil, "schtask_1"] as [String?] {
            let key = RunKey(connectionID: "c1", tenantID: "t", environmentID: "", entity: .invoice, interval: .hourly,
                             window: window, scheduledTaskID: task)
            observer.observe(.finished(key, runID: nil, trigger: .schedule, result: .succeeded(Self.outcome(rows: 1, bytes: 1)),
                                       progress: RunProgress()))
        }
        let runs = Self.samples(observer).filter { $0.hasPrefix("flexprice_exporter_runs_total") }
        #expect(runs.sorted() == [
            #"flexprice_exporter_runs_total{connection="c1",entity="invoice",trigger="schedule",status="succeeded"} 1"#,
            #"flexprice_exporter_runs_total{connection="c1/schtask_1",entity="invoice",trigger="schedule",status="succeeded"} 1"#,
        ])
        #expect(ExportStream.label(connectionID: "c1", scheduledTaskID: nil) == "c1")
    }
}
