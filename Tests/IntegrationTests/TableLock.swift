import Foundation
import ExporterDatabase
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `LOCK TABLE <table> IN ACCESS EXCLUSIVE MODE` held in an open transaction of a `psql` session,
/// until ``release()``: every query of the exporter that reads the table waits on the lock, so an
/// export is held in flight for as long as a test needs, deterministically, without a delay or a
/// large seed.
///
/// The lock is held by `psql` (a process of its own, which `scripts/with-services.sh` puts on the
/// PATH), not by the test's `DatabasePool`, so it does not depend on the driver under test and a
/// test crash ends it (the server rolls back when psql dies).
final class TableLock: @unchecked Sendable {
    /// psql's `application_name`, which tells its session apart in `pg_stat_activity`.
    static let applicationName = "table-lock-holder"

    /// A session waiting on the lock: the exporter's query.
    struct Waiter: Sendable, CustomStringConvertible {
        let pid: Int64
        let applicationName: String
        let query: String
        var description: String { "pid \(pid) (\(applicationName)): \(query)" }
    }

    let table: String
    private let process = Process()
    private let input = Pipe()
    private let logURL: URL

    /// Opens the transaction, takes the lock on `table` in the database of `services`, and returns
    /// once the server shows it granted.
    static func take(_ table: String, services: Services) async throws -> TableLock {
        let lock = try TableLock(table: table, databaseURL: services.databaseURLString)
        let granted = try await eventually(timeout: .seconds(60)) {
            try await lock.isHeld(services) || !lock.process.isRunning
        }
        try #require(granted && lock.process.isRunning, "psql did not take the lock on \(table): \(lock.log)")
        return lock
    }

    private init(table: String, databaseURL: String) throws {
        self.table = table
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("table-lock-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", databaseURL]
        var environment = ProcessInfo.processInfo.environment
        environment["PGAPPNAME"] = Self.applicationName
        process.environment = environment
        process.standardInput = input
        process.standardOutput = log
        process.standardError = log
        try process.run()
        // psql runs each statement as soon as its line arrives; the transaction stays open until
        // release() sends COMMIT.
        try send("BEGIN;\nLOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE;\n")
    }

    /// psql's output (its errors, if any).
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Writes to psql's standard input; only while psql runs, since a write to a pipe nobody
    /// reads would raise SIGPIPE in the test process.
    private func send(_ text: String) throws {
        guard process.isRunning else { return }
        try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
    }

    /// Whether the server shows the lock granted to psql's session.
    func isHeld(_ services: Services) async throws -> Bool {
        let rows = try await services.postgres.query("""
            SELECT count(*)::bigint FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE a.datname = current_database() AND a.application_name = \(Self.applicationName)
              AND l.locktype = 'relation' AND l.relation = to_regclass(\(table))::oid
              AND l.mode = 'AccessExclusiveLock' AND l.granted
            """)
        return try (rows.first?.decode(Int64.self) ?? 0) > 0
    }

    /// The sessions (other than psql's and the caller's) whose query waits on this lock.
    func waiters(_ services: Services) async throws -> [Waiter] {
        try await services.postgres.query("""
            SELECT DISTINCT a.pid::bigint, coalesce(a.application_name, ''), coalesce(a.query, '')
            FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
            WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.wait_event_type = 'Lock'
              AND a.application_name IS DISTINCT FROM \(Self.applicationName)
              AND l.locktype = 'relation' AND l.relation = to_regclass(\(table))::oid AND NOT l.granted
            """).map {
            let (pid, applicationName, query) = try $0.decode((Int64, String, String).self)
            return Waiter(pid: pid, applicationName: applicationName, query: query)
        }
    }

    /// Waits until a session waits on the lock, or `process` (the exporter) has exited; returns
    /// the first waiter, nil when none came.
    func firstWaiter(_ services: Services, whileRunning process: Process,
                     timeout: Duration = .seconds(120)) async throws -> Waiter? {
        var found: Waiter?
        _ = try await eventually(timeout: timeout, every: .milliseconds(50)) {
            found = try await waiters(services).first
            return found != nil || !process.isRunning
        }
        return found
    }

    /// Commits psql's transaction (releasing the lock) and waits for psql to exit; returns its
    /// exit status (nil on timeout).
    @discardableResult
    func release(timeout: Duration = .seconds(60)) async throws -> Int32? {
        // `\q` rather than only closing stdin: a child process another test starts at the same
        // moment may inherit the pipe's write end, and then psql would never see end-of-file.
        try send("COMMIT;\n\\q\n")
        try input.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: logURL)
    }
}
