import AsyncHTTPClient
import ExporterCore
import ExporterEngine
import Logging
import PostgresNIO

/// The long-lived clients a command needs, started and shut down around its work.
enum Runtime {
    /// Runs `body` with a connection pool to DATABASE_URL (PostgresClient must be running
    /// while it is used).
    static func withPostgres<T: Sendable>(
        _ settings: ExporterSettings, logger: Logger,
        _ body: @Sendable @escaping (PostgresClient) async throws -> T
    ) async throws -> T {
        let url = try settings.requireDatabaseURL()
        logger.debug("connecting to the database", metadata: ["url": "\(url)"])
        let client = PostgresClient(configuration: try .init(databaseURL: url), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            group.addTask { try await body(client) }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw ExportError.internal("the database client stopped unexpectedly")
        }
    }

    /// Runs `body` with an HTTP client that is shut down afterwards.
    static func withHTTPClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let result = try await body(http)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}
