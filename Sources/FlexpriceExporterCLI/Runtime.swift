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
        // Fail fast, with the reason, when the database cannot be reached (the pool would wait).
        try await DatabaseProbe.check(try settings.requireDatabaseURL(), logger: logger)
        let client = try makePostgres(settings, logger: logger)
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

    static func makePostgres(_ settings: ExporterSettings, logger: Logger) throws -> PostgresClient {
        let url = try settings.requireDatabaseURL()
        logger.debug("database", metadata: ["url": "\(url)"])
        return PostgresClient(configuration: try .init(databaseURL: url), backgroundLogger: logger)
    }

    static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Runs `body` with an HTTP client that is shut down afterwards.
    static func withHTTPClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let http = makeHTTPClient()
        do {
            let result = try await body(http)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// The export engine for `settings` over the given clients, writing to S3.
    static func makeEngine(_ settings: ExporterSettings, encryptionKey: String, postgres: PostgresClient,
                           http: HTTPClient, logger: Logger) -> ExportEngine {
        ExportEngine(
            postgres: postgres, secretBox: SecretBox(encryptionKey: encryptionKey), logger: logger,
            makeSink: ExportEngine.s3Sinks(http: http, logger: logger, maxAttempts: settings.s3MaxAttempts,
                                           partSize: settings.partSizeMB * 1024 * 1024))
    }

    /// Runs `body` with an engine over fresh clients.
    static func withEngine<T: Sendable>(_ settings: ExporterSettings, encryptionKey: String, logger: Logger,
                                        _ body: @Sendable @escaping (ExportEngine) async throws -> T) async throws -> T {
        try await withHTTPClient { http in
            try await withPostgres(settings, logger: logger) { postgres in
                try await body(makeEngine(settings, encryptionKey: encryptionKey, postgres: postgres, http: http, logger: logger))
            }
        }
    }
}
