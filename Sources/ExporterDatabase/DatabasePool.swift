import ExporterCore
import Logging

/// The exporter's PostgreSQL sessions: reused while healthy, opened on demand. Every statement
/// of the exporter goes through it.
///
/// It keeps no background state that could get stuck: a lease takes an idle session that is
/// still usable or connects (within libpq's `connect_timeout`), so a database that is down is an
/// immediate error with its reason, and the next tick tries again. A session comes back only
/// when its work succeeded and it is idle outside any transaction; otherwise it is closed.
public actor DatabasePool {
    public nonisolated let url: DatabaseURL
    private let maxIdle: Int
    private let logger: Logger
    private var idle: [DatabaseConnection] = []
    private var isShutDown = false

    /// - Parameter maxIdle: open sessions kept for reuse; more may be open while leased.
    public init(url: DatabaseURL, maxIdle: Int = 8, logger: Logger) {
        self.url = url
        self.maxIdle = maxIdle
        self.logger = logger
    }

    /// Runs `body` with a session of its own. The session goes back to the pool when `body`
    /// returns; when it throws, the session is closed (its state is unknown).
    nonisolated(nonsending) public func withConnection<T>(_ body: (DatabaseConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            await release(connection)
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// The rows of a small statement (run history, connections, counts).
    @discardableResult
    nonisolated(nonsending) public func query(_ sql: SQL) async throws -> [DatabaseRow] {
        try await withConnection { try await $0.query(sql) }
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK (by closing) when it throws.
    /// - Parameter begin: the statement that opens it, to set isolation and access mode.
    nonisolated(nonsending) public func transaction<T>(
        _ begin: SQL = "BEGIN", _ body: (DatabaseConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            try await connection.query(begin)
            let result = try await body(connection)
            try await connection.query("COMMIT")
            return result
        }
    }

    /// Closes the idle sessions; later leases fail.
    public func shutdown() async {
        isShutDown = true
        let closing = idle
        idle = []
        for connection in closing { await connection.close() }
    }

    private func lease() async throws -> DatabaseConnection {
        guard !isShutDown else { throw DatabaseError(kind: .connectionClosed, message: "the database pool is shut down") }
        while let connection = idle.popLast() {
            if await connection.isReusable() { return connection }
            await connection.close()
        }
        return try await DatabaseConnection.connect(url)
    }

    private func release(_ connection: DatabaseConnection) async {
        if !isShutDown, idle.count < maxIdle, await connection.isReusable() {
            idle.append(connection)
        } else {
            await connection.close()
        }
    }
}
