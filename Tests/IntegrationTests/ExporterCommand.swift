import Foundation
import Testing

/// One run of the built `flexprice-exporter` binary to completion, with its standard input given
/// and its standard output and standard error kept apart (``ExporterProcess`` merges them, for
/// daemons).
struct ExporterCommand: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String

    /// Runs the binary with `arguments` in an environment holding `environment` and nothing of the
    /// caller's exporter settings (no EXPORTER_*, DATABASE_URL or encryption key) and none of libpq's
    /// PG* variables (scripts/with-services.sh exports PGPASSWORD and friends for psql; libpq would
    /// take them as defaults and complete a URL the test means to be incomplete).
    ///
    /// With `underTerminal`, the binary runs under a pseudo-terminal (util-linux `script`), as in
    /// an operator's shell: its standard output is a terminal, whose bytes (`\r\n` line ends
    /// included) land in `stdout`, merged with its standard error.
    static func run(_ arguments: [String], environment: [String: String] = [:], input: Data = Data(),
                    timeout: Duration = .seconds(60), underTerminal: Bool = false) async throws -> ExporterCommand {
        let binary = try #require(ExporterProcess.binary, "build the flexprice-exporter product first (swift build)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exporter-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let process = Process()
        if underTerminal {
            // -e: script exits with the command's status; the typescript goes nowhere (/dev/null).
            let quoted = ([binary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["script", "-q", "-e", "-c", quoted.joined(separator: " "), "/dev/null"]
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("EXPORTER_") || key.hasPrefix("PG") || ["NOTIFY_SOCKET", "WATCHDOG_USEC", "DATABASE_URL",
                                                                 "FLEXPRICE_SECRETS_ENCRYPTION_KEY"].contains(key) {
            env[key] = nil
        }
        // Tests run at once: `run` listens on no metrics address unless its test names one.
        env["EXPORTER_METRICS_ADDRESS"] = "off"
        // moto is http://127.0.0.1: allowed, as an operator of a local store would. The endpoint
        // policy's tests pass "" (unset) or "false" to see the default.
        env["EXPORTER_ALLOW_PRIVATE_ENDPOINTS"] = "true"
        env["EXPORTER_ALLOW_HTTP_ENDPOINTS"] = "true"
        env.merge(environment) { $1 }
        process.environment = env
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        // A few bytes fit in the pipe's buffer, so this never waits for the child to read.
        if !input.isEmpty { try stdin.fileHandleForWriting.write(contentsOf: input) }
        try stdin.fileHandleForWriting.close()

        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                Issue.record("flexprice-exporter \(arguments.joined(separator: " ")) did not exit within \(timeout)")
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        return ExporterCommand(status: process.terminationStatus,
                               stdout: try String(contentsOf: outURL, encoding: .utf8),
                               stderr: try String(contentsOf: errURL, encoding: .utf8))
    }
}
