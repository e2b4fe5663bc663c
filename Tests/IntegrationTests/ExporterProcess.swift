import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built `flexprice-exporter` binary, run as a child process the way systemd or an operator
/// would run it: environment variables in, signals and exit codes out, logs to a file the test
/// can poll.
final class ExporterProcess: @unchecked Sendable {
    static let binary: URL? = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("flexprice-exporter"),
            TestServices.repositoryRoot.appendingPathComponent(".build/debug/flexprice-exporter"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    let process = Process()
    let logURL: URL

    init(_ arguments: [String], environment: [String: String]) throws {
        let binary = try #require(Self.binary, "build the flexprice-exporter product first (swift build)")
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("exporter-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        // Nor libpq's PG* variables (scripts/with-services.sh exports PGPASSWORD and friends for
        // psql): libpq would take them as defaults, so a URL the test means to be incomplete
        // would be completed behind its back.
        for key in env.keys where key.hasPrefix("EXPORTER_") || key.hasPrefix("PG") || key == "NOTIFY_SOCKET" || key == "WATCHDOG_USEC" {
            env[key] = nil
        }
        // Daemons of many tests run at once: none listens on the default metrics address unless
        // its test asks for an address (MetricsTests picks a free port of its own).
        env["EXPORTER_METRICS_ADDRESS"] = "off"
        // moto is http://127.0.0.1: allowed, as an operator of a local store would.
        env["EXPORTER_ALLOW_PRIVATE_ENDPOINTS"] = "true"
        env["EXPORTER_ALLOW_HTTP_ENDPOINTS"] = "true"
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit; returns its exit status (nil on timeout).
    func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: logURL)
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(60), every: Duration = .milliseconds(100),
                _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: every)
    }
    return try await condition()
}

/// A unix datagram socket standing in for systemd's NOTIFY_SOCKET.
final class NotifySocket: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0, "bind \(path)")
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Every datagram received so far (waits up to 200 ms for one).
    func receive() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        return messages
    }

    deinit {
        close(fd)
        unlink(path)
    }
}
