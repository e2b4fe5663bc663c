import AsyncHTTPClient
import ExporterClickHouse
import ExporterCore
import Foundation
import ExporterEngine
import ExporterRunHistory
import ExporterSink
import Logging
import ExporterDatabase

/// The long-lived clients a command needs, started and shut down around its work.
enum Runtime {
    /// Runs `body` with a connection pool to DATABASE_URL, closed afterwards.
    static func withPostgres<T: Sendable>(
        _ settings: ExporterSettings, logger: Logger,
        _ body: @Sendable @escaping (DatabasePool) async throws -> T
    ) async throws -> T {
        // Fail fast, with the reason, when the database cannot be reached.
        try await DatabaseProbe.check(try settings.requireDatabaseURL())
        let pool = try makePostgres(settings, logger: logger)
        do {
            let result = try await body(pool)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }

    static func makePostgres(_ settings: ExporterSettings, logger: Logger) throws -> DatabasePool {
        let url = try settings.requireDatabaseURL()
        logger.debug("database", metadata: ["url": "\(url)"])
        return DatabasePool(url: url, maxIdle: settings.maxConcurrency + 4, logger: logger)
    }

    /// The client of address-literal S3 endpoints (names get a pinned client of their own, with
    /// the same settings: ``PinnedTransport``). Redirects are never followed.
    static func makeHTTPClient() -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: .s3)
    }

    /// The HTTP client for ClickHouse (its own: a private CA, a longer read timeout than S3's).
    /// - Throws: ``Failure/configuration(_:)`` naming EXPORTER_CLICKHOUSE_CA_FILE when it cannot be read.
    static func makeClickHouseHTTPClient(_ settings: ExporterSettings) throws -> HTTPClient {
        if let caFile = settings.clickHouseURL?.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw Failure.configuration("EXPORTER_CLICKHOUSE_CA_FILE \(caFile) cannot be read")
        }
        do {
            return try ClickHouseClient.makeHTTPClient(for: settings.clickHouseURL)
        } catch {
            throw Failure.configuration("EXPORTER_CLICKHOUSE_CA_FILE \(settings.clickHouseURL?.caFile ?? "") holds no usable certificate: \(error)")
        }
    }

    /// The ClickHouse client for `settings`, nil when EXPORTER_CLICKHOUSE_URL is not set.
    static func makeClickHouse(_ settings: ExporterSettings, http: HTTPClient, logger: Logger) -> ClickHouseClient? {
        settings.clickHouseURL.map {
            logger.debug("clickhouse", metadata: ["url": "\($0)"])
            return ClickHouseClient(url: $0, http: http, logger: logger, maxAttempts: settings.s3MaxAttempts)
        }
    }

    /// An entity's columns as ClickHouse declares them (`schema` of a usage entity).
    /// - Throws: ``Failure/configuration(_:)`` without EXPORTER_CLICKHOUSE_URL.
    static func clickHouseColumns(_ entity: EntityType, settings: ExporterSettings, logger: Logger) async throws -> [SourceColumn] {
        let http = try makeClickHouseHTTPClient(settings)
        guard let client = makeClickHouse(settings, http: http, logger: logger) else {
            try? await http.shutdown()
            throw Failure.configuration("\(entity.rawValue) is read from ClickHouse, but EXPORTER_CLICKHOUSE_URL is not set")
        }
        do {
            let columns = try await ClickHouseSchemaCheck(client: client).declaredColumns(entity)
            try? await http.shutdown()
            return columns
        } catch {
            try? await http.shutdown()
            throw error
        }
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

    /// The export engine for `settings` over the given clients, writing to S3 (or, with
    /// EXPORTER_SINK_DIRECTORY, to a local directory). `onS3Request` is told each S3 request's
    /// operation and status (the daemon's metrics).
    static func makeEngine(_ settings: ExporterSettings, encryptionKey: String, postgres: DatabasePool,
                           http: HTTPClient, clickHouseHTTP: HTTPClient, logger: Logger, observer: any RunObserver = RunObservers([]),
                           onS3Request: (@Sendable (_ operation: String, _ code: String) -> Void)? = nil) -> ExportEngine {
        let sinks: ExportEngine.SinkFactory
        if let directory = settings.sinkDirectory {
            logger.warning("EXPORTER_SINK_DIRECTORY is set: objects are written under it, not to S3",
                           metadata: ["directory": "\(directory)"])
            sinks = ExportEngine.directorySinks(root: directory)
        } else {
            sinks = ExportEngine.s3Sinks(http: http, policy: settings.endpointPolicy, logger: logger, maxAttempts: settings.s3MaxAttempts,
                                         partSize: settings.partSizeMB * 1024 * 1024, onS3Request: onS3Request)
        }
        return ExportEngine(
            postgres: postgres, secretBox: SecretBox(encryptionKey: encryptionKey), logger: logger, makeSink: sinks,
            batchSize: settings.fetchRows,
            files: ExportFileOptions(settings, version: BuildInfo.version, build: BuildInfo.commit), observer: observer,
            flexpriceTasks: settings.flexpriceTasks ? FlexpriceTasks() : nil,
            clickHouse: makeClickHouse(settings, http: clickHouseHTTP, logger: logger),
            scheduledTasks: settings.flexpriceScheduledTasks)
    }

    /// Runs `body` with an engine over fresh clients, once `schema` has been applied.
    static func withEngine<T: Sendable>(_ settings: ExporterSettings, encryptionKey: String, logger: Logger,
                                        schema: SchemaPolicy, observer: any RunObserver = RunObservers([]),
                                        _ body: @Sendable @escaping (ExportEngine) async throws -> T) async throws -> T {
        let clickHouseHTTP = try makeClickHouseHTTPClient(settings)
        do {
            let result = try await withHTTPClient { http in
                try await withPostgres(settings, logger: logger) { postgres in
                    let engine = makeEngine(settings, encryptionKey: encryptionKey, postgres: postgres, http: http,
                                            clickHouseHTTP: clickHouseHTTP, logger: logger, observer: observer)
                    try await schema.apply(engine.history)
                    if let tasks = engine.scheduledTasks, try await !tasks.tableExists() {
                        throw SchemaError.flexpriceScheduledTasksMissing
                    }
                    return try await body(engine)
                }
            }
            try? await clickHouseHTTP.shutdown()
            return result
        } catch {
            try? await clickHouseHTTP.shutdown()
            throw error
        }
    }
}
