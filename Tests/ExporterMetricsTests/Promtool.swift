import Foundation

/// Where Prometheus' promtool is (Debian's `prometheus` package, scripts/install-deps.sh).
/// Without it the rules tests are skipped locally; under CI they run and fail.
enum Promtool {
    static var path: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map { "\($0)/promtool" } + ["/usr/bin/promtool"])
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var isCI: Bool {
        let value = (ProcessInfo.processInfo.environment["CI"] ?? "").lowercased()
        return !value.isEmpty && value != "false" && value != "0"
    }
}
