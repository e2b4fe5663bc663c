import AsyncHTTPClient
import ExporterCore
import ExporterDatabase
import Foundation
import NIOCore
import NIOPosix
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `run`'s metrics and health listener (EXPORTER_METRICS_ADDRESS, DESIGN §7), driven through the
/// built binary: `/metrics` scraped during and after a pass and read with an independent parser
/// (Python's prometheus_client), values that survive a restart, `/healthz` turning 503 when the
/// database goes away, `off`, and an address already in use.
@Suite(TestServices.needsServices(), .enabled(if: ReaderPython.shouldRun, "needs prometheus_client: scripts/install-parquet-readers.sh"))
struct MetricsTests {
    @Test func scrapedDuringAndAfterAPassAndAfterARestart() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let daemonTests = DaemonTests()
            let window = ExportWindow.latestDue(now: DaemonTests.clock(), grace: 0, interval: .daily)
            let rows = 1_200
            let connection = try await services.newConnection(
                syncConfig: { Services.syncConfig(bucket: $0, compression: .none) },
                seed: { try await daemonTests.seedYesterday(services, tenant: $0, rows: rows, window: window) })
            let port = try await MetricsEndpoint.freePort()
            let endpoint = MetricsEndpoint(services: services, port: port)
            let environment = daemonTests.environment(services, extra: ["EXPORTER_METRICS_ADDRESS": "127.0.0.1:\(port)"])
            let stream = ["connection": connection.id, "entity": "feature_usage"]

            // Hold the export on a table lock: the run has started, nothing has been read.
            let lock = try await TableLock.take("feature_usage", services: services)
            let daemon = try ExporterProcess(["run"], environment: environment)
            let waiter = try await lock.firstWaiter(services, whileRunning: daemon.process)
            #expect(waiter != nil, "the export never waited on the lock: \(daemon.log)")
            var during = try await endpoint.scrape()
            #expect(try await eventually(every: .milliseconds(300)) {
                during = try await endpoint.scrape()
                return during.value("flexprice_exporter_windows_behind", stream) != nil
            }, "\(during)\n\(daemon.log)")
            // From the run history at start: one window due, none exported; no run has ended.
            #expect(during.value("flexprice_exporter_windows_behind", stream) == 1)
            #expect(during.value("flexprice_exporter_last_success_window_end_seconds", stream) == nil)
            #expect(during.samples(named: "flexprice_exporter_runs_total").isEmpty, "\(during)")
            #expect(during.value("flexprice_exporter_connections", ["state": "active"]) == 0, "no pass has finished")
            #expect(during.value("flexprice_exporter_pass_duration_seconds_count", [:]) == 0)
            #expect(try MetricsEndpoint.listeningPorts(of: daemon.pid) == [port])
            try await lock.release()

            // After the pass: the run's figures, and the position read back from the history.
            var after = during
            let settled = try await eventually(every: .milliseconds(300)) {
                after = try await endpoint.scrape()
                return after.value("flexprice_exporter_windows_behind", stream) == 0
                    && after.value("flexprice_exporter_connections", ["state": "active"]) == 1
            }
            #expect(settled, "\(after)\n\(daemon.log)")
            let history = try await services.runs(connection: connection.id)
            #expect(history.map(\.status) == ["succeeded"], "\(daemon.log)")
            let run = try #require(history.first)
            #expect(run.rowCount == Int64(rows))
            #expect(after.value("flexprice_exporter_runs_total", stream.merging(["trigger": "schedule", "status": "succeeded"]) { $1 }) == 1)
            #expect(after.samples(named: "flexprice_exporter_runs_total").count == 1, "\(after)")
            #expect(after.value("flexprice_exporter_rows_total", stream) == Double(rows))
            #expect(after.value("flexprice_exporter_uploaded_bytes_total", stream) == run.bytesUploaded.map(Double.init))
            #expect(after.value("flexprice_exporter_last_success_window_end_seconds", stream) == Double(window.end))
            #expect(after.value("flexprice_exporter_run_duration_seconds_count", ["entity": "feature_usage"]) == 1)
            #expect(after.value("flexprice_exporter_connections", ["state": "inactive"]) == 0)
            #expect(after.value("flexprice_exporter_connections", ["state": "invalid"]) == 0)
            #expect((after.value("flexprice_exporter_pass_duration_seconds_count", [:]) ?? 0) >= 1)
            // A small object: the data object and the manifest, one PutObject each.
            #expect(after.value("flexprice_exporter_s3_requests_total", ["operation": "PutObject", "code": "200"]) == 2, "\(after)")
            #expect(after.families["flexprice_exporter_run_duration_seconds"] == "histogram")
            #expect(after.families["flexprice_exporter_runs"] == "counter")
            #expect(after.families["flexprice_exporter_windows_behind"] == "gauge")
            // Every flexprice_exporter_ name the alert rules use is one this daemon serves.
            let ruleNames = try RulesFile.metricNames()
            #expect(!ruleNames.isEmpty)
            #expect(ruleNames.subtracting(after.sampleNames).isEmpty, "not served: \(ruleNames.subtracting(after.sampleNames))")

            let health = try await endpoint.get("/healthz")
            #expect(health.status == 200 && health.body == "ok\n", "\(health)")

            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit() == 0, "\(daemon.log)")

            // A restarted daemon reports the position from the history before it exports anything:
            // nothing is due, so this process runs nothing and every figure below is the history's.
            let restarted = try ExporterProcess(["run"], environment: environment)
            var again = after
            #expect(try await eventually(every: .milliseconds(300)) {
                guard let scrape = try? await endpoint.scrape() else { return false }
                again = scrape
                return again.value("flexprice_exporter_last_success_window_end_seconds", stream) != nil
            }, "\(restarted.log)")
            #expect(again.value("flexprice_exporter_last_success_window_end_seconds", stream) == Double(window.end))
            #expect(again.value("flexprice_exporter_windows_behind", stream) == 0)
            #expect(again.samples(named: "flexprice_exporter_runs_total").isEmpty, "counters start again: \(again)")
            restarted.signal(SIGTERM)
            #expect(await restarted.waitForExit() == 0, "\(restarted.log)")
            #expect(try await services.runs(connection: connection.id).count == 1, "the restart exported nothing")
        }
    }

    @Test func healthzTurns503WithTheReasonWhenTheDatabaseGoesAway() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            // The daemon reaches PostgreSQL through a relay this test can take away, so no other
            // test's database goes down.
            let url = services.databaseURL
            let relay = try await TCPRelay.start(host: "127.0.0.1", targetHost: url.host, targetPort: url.port)
            var relayed = url
            relayed.host = relay.host
            relayed.port = relay.port
            let applicationName = "healthz-\(UUID().uuidString.prefix(8).lowercased())"
            let port = try await MetricsEndpoint.freePort()
            let endpoint = MetricsEndpoint(services: services, port: port)
            let daemon = try ExporterProcess(["run"], environment: DaemonTests().environment(services, extra: [
                "DATABASE_URL": relayed.text + "&application_name=\(applicationName)",
                "EXPORTER_METRICS_ADDRESS": "127.0.0.1:\(port)",
            ]))

            var health: (status: Int, body: String) = (0, "")
            #expect(try await eventually(every: .milliseconds(200)) {
                guard let answer = try? await endpoint.get("/healthz") else { return false }
                health = answer
                return health.body == "ok\n"
            }, "\(health)\n\(daemon.log)")
            #expect(health.status == 200)

            // The database goes away: no new connections, and the daemon's sessions are ended.
            await relay.stop()
            try await services.execute("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(applicationName)
                """)
            // Either 503 may come first: passes stop completing after three ticks (3 s), while the
            // heartbeat's verdict on the database can take up to its 10 s deadline on a loaded
            // machine. The database's reason must come, and take precedence once it has.
            var reasons: [String] = []
            #expect(try await eventually(every: .milliseconds(200)) {
                guard let answer = try? await endpoint.get("/healthz") else { return false }
                health = answer
                if answer.status == 503, reasons.last != answer.body { reasons.append(answer.body) }
                return health.status == 503 && health.body.hasPrefix("database unreachable: ")
            }, "\(health)\n\(reasons)\n\(daemon.log)")
            #expect(health.status == 503)
            #expect(health.body.hasPrefix("database unreachable: "), "\(health)")
            #expect(!health.body.contains(url.password ?? "no password"), "no secret in the reason")

            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit() == 0, "\(daemon.log)")
        }
    }

    @Test func offListensNowhere() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let daemon = try ExporterProcess(["run"], environment: DaemonTests().environment(services, extra: [
                "EXPORTER_METRICS_ADDRESS": "off", "EXPORTER_LOG_LEVEL": "debug",
            ]))
            // Once a pass has finished, a listener (started beside the daemon) would be bound.
            #expect(try await eventually { daemon.log.contains("pass finished") }, "\(daemon.log)")
            #expect(try MetricsEndpoint.listeningPorts(of: daemon.pid) == [], "\(daemon.log)")
            #expect(!daemon.log.contains("serving metrics"))
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit() == 0, "\(daemon.log)")
        }
    }

    @Test func anAddressInUseExits78NamingItAndOnlyRunListens() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let occupant = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: 0).get()
            let port = try #require(occupant.localAddress?.port)
            let environment = DaemonTests().environment(services, extra: ["EXPORTER_METRICS_ADDRESS": "127.0.0.1:\(port)"])

            let daemon = try await ExporterCommand.run(["run"], environment: environment)
            #expect(daemon.status == 78, "\(daemon.stderr)")
            #expect(daemon.stderr.contains("configuration error: EXPORTER_METRICS_ADDRESS 127.0.0.1:\(port): cannot listen there: "
                                           + "the address is already in use"), "\(daemon.stderr)")
            // A one-shot command does not listen, so the same setting is no obstacle to it.
            let sync = try await ExporterCommand.run(["sync"], environment: environment)
            #expect(sync.status == 0, "\(sync.stderr)")
            try await occupant.close()

            let malformed = try await ExporterCommand.run(["run"], environment: environment.merging([
                "EXPORTER_METRICS_ADDRESS": "127.0.0.1",
            ]) { $1 })
            #expect(malformed.status == 78)
            #expect(malformed.stderr.contains("configuration error: EXPORTER_METRICS_ADDRESS needs a port"), "\(malformed.stderr)")
        }
    }
}

/// One daemon's metrics listener, as a scraper sees it.
struct MetricsEndpoint: Sendable {
    let services: Services
    let port: Int

    /// A port nothing listens on now (the kernel's pick, released at once), for a daemon to use:
    /// the daemon must be told a port it can print, so it cannot pick its own.
    /// A port the daemon can listen on a moment later: below Linux's ephemeral range (32768 and
    /// up), so no outgoing connection of the tests running beside it (each takes an ephemeral local
    /// port) can take it in between, as one did with a kernel-chosen port; checked free by a bind.
    static func freePort() async throws -> Int {
        for _ in 0..<50 {
            let candidate = Int.random(in: 20_000..<32_000)
            guard let channel = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: candidate).get() else { continue }
            try await channel.close()
            return candidate
        }
        Issue.record("no free port below the ephemeral range after 50 tries")
        throw CancellationError()
    }

    func get(_ path: String) async throws -> (status: Int, body: String) {
        let response = try await services.http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return (Int(response.status.code), String(buffer: body))
    }

    /// `/metrics`, parsed by prometheus_client.
    func scrape() async throws -> Scrape {
        let (status, body) = try await get("/metrics")
        try #require(status == 200, "GET /metrics answered \(status): \(body)")
        return try Scrape(parsing: body)
    }

    /// The TCP ports process `pid` listens on: its socket inodes matched against the kernel's
    /// table of listening sockets (state 0A) in /proc.
    static func listeningPorts(of pid: Int32) throws -> Set<Int> {
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let inodes = Set(descriptors.compactMap { fd -> String? in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                  target.hasPrefix("socket:[") else { return nil }
            return String(target.dropFirst("socket:[".count).dropLast())
        })
        var ports: Set<Int> = []
        for table in ["tcp", "tcp6"] {
            let text = (try? String(contentsOfFile: "/proc/\(pid)/net/\(table)", encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])),
                      let port = fields[1].split(separator: ":").last.flatMap({ Int($0, radix: 16) }) else { continue }
                ports.insert(port)
            }
        }
        return ports
    }
}

/// A `/metrics` body as Python's prometheus_client parses it: an independent reading of the
/// text format, not ours.
struct Scrape: CustomStringConvertible {
    struct Sample {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    /// Family name -> type, as the parser names them (a counter's family drops `_total`).
    let families: [String: String]
    let samples: [Sample]
    let text: String

    static let script = #"""
    import json, sys
    from prometheus_client.parser import text_string_to_metric_families
    families, samples = {}, []
    with open(sys.argv[1]) as f:
        for family in text_string_to_metric_families(f.read()):
            families[family.name] = family.type
            for s in family.samples:
                samples.append({"name": s.name, "labels": s.labels, "value": s.value})
    print(json.dumps({"families": families, "samples": samples}))
    """#

    init(parsing text: String) throws {
        self.text = text
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scrape-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("metrics.txt")
        try Data(text.utf8).write(to: input)
        let json = try ReaderPython.run(script: Self.script, named: "parse_metrics.py", arguments: [input.path], in: directory)
        families = try #require(json["families"] as? [String: String], "\(json)")
        samples = try #require(json["samples"] as? [[String: Any]], "\(json)").map {
            Sample(name: $0["name"] as? String ?? "", labels: $0["labels"] as? [String: String] ?? [:],
                   value: ($0["value"] as? NSNumber)?.doubleValue ?? .nan)
        }
    }

    func samples(named name: String) -> [Sample] { samples.filter { $0.name == name } }

    /// The value of the sample with exactly these labels (nil when there is none).
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    var sampleNames: Set<String> { Set(samples.map(\.name)) }

    var description: String { text }
}

/// deploy/prometheus/flexprice-exporter.rules.yml, as the tests read it.
enum RulesFile {
    static let url = TestServices.repositoryRoot.appendingPathComponent("deploy/prometheus/flexprice-exporter.rules.yml")

    /// Every `flexprice_exporter_...` name the rules mention.
    static func metricNames() throws -> Set<String> {
        let text = try String(contentsOf: url, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: "flexprice_exporter_[a-z_]+")
        return Set(pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        })
    }
}
