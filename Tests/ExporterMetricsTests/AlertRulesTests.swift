import ExporterMetrics
import Foundation
import Testing

/// deploy/prometheus/flexprice-exporter.rules.yml: valid for Prometheus' own checker (promtool,
/// from Debian's `prometheus` package, installed by scripts/install-deps.sh), its alerts fire as
/// their comments say (`promtool test rules` on the .test.yml beside it), and it uses no metric
/// the daemon does not serve. (MetricsTests compares the names with a live daemon's scrape too.)
@Suite(.enabled(if: Promtool.path != nil || Promtool.isCI, "needs promtool: scripts/install-deps.sh"))
struct AlertRulesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let rules = root.appendingPathComponent("deploy/prometheus/flexprice-exporter.rules.yml")
    static let ruleTests = root.appendingPathComponent("deploy/prometheus/flexprice-exporter.rules.test.yml")

    /// Runs promtool with `arguments`; its exit status and its output.
    func promtool(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let tool = try #require(Promtool.path, "promtool is missing: run scripts/install-deps.sh")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func promtoolAcceptsTheRules() throws {
        let result = try promtool(["check", "rules", Self.rules.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS: 6 rules found"), "\(result.output)")
    }

    @Test func theAlertsFireAsDescribed() throws {
        let result = try promtool(["test", "rules", Self.ruleTests.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS"), "\(result.output)")
    }

    @Test func everyMetricNameIsOneTheDaemonServes() throws {
        let text = try String(contentsOf: Self.rules, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: "flexprice_exporter_[a-z_]+")
        let used = Set(pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        })
        // A histogram is served as its _bucket, _sum and _count series.
        let served = Set(MetricsObserver.metricNames.flatMap { name in
            name.hasSuffix("_seconds") && name.contains("duration") ? [name + "_bucket", name + "_sum", name + "_count"] : [name]
        })
        #expect(used.count >= 4, "\(used)")
        #expect(used.subtracting(served).isEmpty, "not served: \(used.subtracting(served))")
    }
}
