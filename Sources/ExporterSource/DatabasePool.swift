import ExporterCore
import Logging
import NIOCore
import PostgresNIO

/// The exporter's PostgreSQL connections: reused while open, replaced once closed, opened on
/// demand. Every query of the exporter goes through it.
///
/// Why not PostgresNIO's `PostgresClient`: with 1.33.2, after a server restart closed all its
/// idle connections, a client opened no new connection and left lease requests waiting forever,
/// and a query written to a connection the server had just closed never completed (see
/// ``PostgresNIO/PostgresConnection/queryUnlessClosed(_:logger:onRow:)``). A daemon must instead fail
/// the statement, record it, and try again on its next tick. This pool keeps no background state
/// that could get stuck: a lease takes an open idle connection or connects (within the connect
/// timeout), so a database that is down is an immediate error with its reason.
public actor DatabasePool {
    private let configuration: PostgresConnection.Configuration
    private let maxIdle: Int
    private let logger: Logger
    private var idle: [PostgresConnection] = []
    private var nextID = 0
    private var isShutDown = false

    /// - Parameter maxIdle: open connections kept for reuse; more may be open while leased.
    public init(configuration: PostgresConnection.Configuration, maxIdle: Int = 8, logger: Logger) {
        self.configuration = configuration
        self.maxIdle = maxIdle
        self.logger = logger
    }

    /// Runs `body` with a connection of its own. The connection goes back to the pool when
    /// `body` returns; when it throws, the connection is closed (its session state is unknown).
    nonisolated(nonsending) public func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            await release(connection)
            return result
        } catch {
            await discard(connection)
            throw error
        }
    }

    /// The rows of a small query (run history, connections, counts).
    nonisolated(nonsending) public func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await withConnection { connection in
            try await connection.rowsUnlessClosed(query, logger: logger)
        }
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    /// - Parameter begin: the statement that opens it, to set isolation and access mode.
    nonisolated(nonsending) public func transaction<T>(
        _ begin: PostgresQuery = "BEGIN", logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            _ = try await connection.queryUnlessClosed(begin, logger: logger)
            do {
                let result = try await body(connection)
                _ = try await connection.queryUnlessClosed("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.queryUnlessClosed("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Closes the idle connections; later leases fail.
    public func shutdown() async {
        isShutDown = true
        let closing = idle
        idle = []
        for connection in closing { try? await connection.close() }
    }

    private func lease() async throws -> PostgresConnection {
        guard !isShutDown else { throw ExportError.internal("the database pool is shut down") }
        while let connection = idle.popLast() {
            if !connection.isClosed { return connection }
        }
        nextID += 1
        return try await PostgresConnection.connect(configuration: configuration, id: nextID, logger: logger)
    }

    private func release(_ connection: PostgresConnection) async {
        if !isShutDown, !connection.isClosed, idle.count < maxIdle {
            idle.append(connection)
        } else {
            try? await connection.close()
        }
    }

    private func discard(_ connection: PostgresConnection) async {
        try? await connection.close()
    }
}

extension PostgresConnection {
    /// All rows of `query`, failing if the connection closes (``queryUnlessClosed(_:logger:onRow:)``).
    public func rowsUnlessClosed(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        let collected = RowCollector()
        _ = try await queryUnlessClosed(query, logger: logger) { collected.rows.append($0) }
        return collected.rows
    }
}

/// Rows gathered on the event loop and read once the query's future has completed; the future
/// orders the two, so the array is never touched from two threads at once.
private final class RowCollector: @unchecked Sendable {
    var rows: [PostgresRow] = []
}
