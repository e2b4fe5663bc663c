import AsyncHTTPClient
import ExporterCore
import ExporterRunHistory
import ExporterSink
import ExporterSource
import Foundation
import Logging
import PostgresNIO
import SigV4

/// What happened to one (connection, entity, window).
public struct RunReport: Sendable, CustomStringConvertible {
    public enum Result: Sendable {
        case succeeded(RunOutcome)
        case failed(ExportError)
        /// Another worker is running this window right now.
        case skipped
    }

    public let key: RunKey
    public let runID: Int64?
    public let result: Result

    public var failed: Bool {
        if case .failed = result { return true }
        return false
    }

    public var description: String {
        let what = "\(key.connectionID) \(key.entity.rawValue) \(key.window)"
        switch result {
        case .succeeded(let o): return "\(what): succeeded, \(o.rowCount) rows, \(o.bytesUploaded) bytes, manifest \(o.manifestKey)"
        case .failed(let e): return "\(what): failed, \(e.code): \(e.message)"
        case .skipped: return "\(what): skipped, already running elsewhere"
        }
    }
}

/// Runs exports: reads connections, decrypts their credentials, and drives an ``ExportJob`` per
/// (connection, entity, window), recording each in the run history.
///
/// A connection whose settings or credentials cannot be read fails on its own, recorded with
/// a message naming the field; the others go on.
public struct ExportEngine: Sendable {
    /// Makes the sink for a connection; S3 in production, replaceable for tests and benchmarks.
    public typealias SinkFactory = @Sendable (ConnectionSettings, AWSCredentials) throws -> any ObjectSink

    public let catalog: ConnectionCatalog
    public let source: EntitySource
    public let history: RunHistory
    private let secretBox: SecretBox
    private let makeSink: SinkFactory
    private let logger: Logger
    private let batchSize: Int
    private let gzipLevel: Int32

    public init(postgres: PostgresClient, secretBox: SecretBox, logger: Logger, makeSink: @escaping SinkFactory,
                batchSize: Int = 10_000, gzipLevel: Int32 = 6, worker: String = RunHistory.defaultWorker) {
        self.catalog = ConnectionCatalog(client: postgres, logger: logger)
        self.source = EntitySource(client: postgres, logger: logger)
        self.history = RunHistory(client: postgres, logger: logger, worker: worker)
        self.secretBox = secretBox
        self.makeSink = makeSink
        self.logger = logger
        self.batchSize = batchSize
        self.gzipLevel = gzipLevel
    }

    /// The production sink: S3 through a shared HTTP client.
    public static func s3Sinks(http: HTTPClient, logger: Logger, maxAttempts: Int, partSize: Int) -> SinkFactory {
        { settings, credentials in
            let endpoint = try S3Endpoint(bucket: settings.bucket, region: settings.region,
                                          endpointURL: settings.endpointURL, virtualHostStyle: settings.virtualHostStyle)
            let client = S3Client(endpoint: endpoint, credentials: credentials, http: http, logger: logger,
                                  maxAttempts: maxAttempts)
            return S3ObjectSink(client: client, partSize: partSize)
        }
    }

    /// Exports exactly `window` for each selected connection and entity (`sync --from --to`),
    /// even when it succeeded before.
    public func exportWindow(_ window: ExportWindow, connectionID: String?, entities: [EntityType]?,
                             trigger: RunTrigger = .manual) async throws -> [RunReport] {
        let connections = try await catalog.publishedS3Connections(id: connectionID)
        if let connectionID, connections.isEmpty {
            throw ExportError.config(connection: connectionID, field: "id",
                                     problem: "matches no published connection with provider_type s3")
        }
        var reports: [RunReport] = []
        for connection in connections {
            reports += await export(connection, window: window, entities: entities, trigger: trigger,
                                    includeInactive: connectionID != nil)
        }
        return reports
    }

    /// Exports one connection's entities for one window. Failures are recorded, never thrown.
    func export(_ connection: ExportConnection, window: ExportWindow, entities requested: [EntityType]?,
                trigger: RunTrigger, includeInactive: Bool) async -> [RunReport] {
        func key(_ entity: EntityType, _ interval: SyncInterval?) -> RunKey {
            RunKey(connectionID: connection.id, tenantID: connection.tenantID, environmentID: connection.environmentID,
                   entity: entity, interval: interval, window: window)
        }
        func failAll(_ entities: [EntityType], _ interval: SyncInterval?, _ error: ExportError) async -> [RunReport] {
            logger.error("export failed", metadata: ["connection": "\(connection.id)", "error": "\(error.message)"])
            var reports: [RunReport] = []
            for entity in entities {
                let k = key(entity, interval)
                do {
                    try await history.recordFailure(k, trigger: trigger, error: error)
                } catch {
                    logger.error("could not record a failed run", metadata: ["error": "\(error)"])
                }
                reports.append(RunReport(key: k, runID: nil, result: .failed(error)))
            }
            return reports
        }

        let settings: ConnectionSettings
        do {
            settings = try connection.settings()
        } catch {
            return await failAll(requested ?? EntityType.allCases, nil, error)
        }
        if !settings.syncActive && !includeInactive {
            logger.debug("connection is not active", metadata: ["connection": "\(connection.id)"])
            return []
        }
        let entities = requested ?? settings.entityTypes
        let sink: any ObjectSink
        do {
            let credentials = try connection.credentials(using: secretBox)
            sink = try makeSink(settings, credentials)
        } catch let error as ExportError {
            return await failAll(entities, settings.interval, error)
        } catch {
            return await failAll(entities, settings.interval, .internal("connection \(connection.id): \(error)"))
        }
        var reports: [RunReport] = []
        for entity in entities {
            reports.append(await run(key(entity, settings.interval), settings: settings, sink: sink, trigger: trigger))
        }
        return reports
    }

    /// One run: recorded as running, exported, recorded as succeeded or failed.
    func run(_ key: RunKey, settings: ConnectionSettings, sink: any ObjectSink, trigger: RunTrigger) async -> RunReport {
        let runID: Int64
        do {
            guard let id = try await history.start(key, trigger: trigger) else {
                return RunReport(key: key, runID: nil, result: .skipped)
            }
            runID = id
        } catch {
            return RunReport(key: key, runID: nil, result: .failed(Self.exportError(error, key: key)))
        }
        let metadata: Logger.Metadata = [
            "run": "\(runID)", "connection": "\(key.connectionID)", "entity": "\(key.entity.rawValue)",
            "window": "\(key.window)", "trigger": "\(trigger.rawValue)",
        ]
        logger.info("run started", metadata: metadata)
        let clock = ContinuousClock()
        let started = clock.now
        let job = ExportJob(key: key, settings: settings, source: source, sink: sink, logger: logger,
                            batchSize: batchSize, gzipLevel: gzipLevel)
        do {
            let outcome = try await job.run(runID: runID)
            try await history.succeed(runID, outcome)
            var done = metadata
            done["rows"] = "\(outcome.rowCount)"
            done["bytes"] = "\(outcome.bytesUploaded)"
            done["duration"] = "\(clock.now - started)"
            done["outcome"] = "succeeded"
            logger.info("run finished", metadata: done)
            return RunReport(key: key, runID: runID, result: .succeeded(outcome))
        } catch {
            let failure = Self.exportError(error, key: key)
            do {
                try await history.fail(runID, failure)
            } catch {
                logger.error("could not record a failed run", metadata: ["run": "\(runID)", "error": "\(error)"])
            }
            var done = metadata
            done["duration"] = "\(clock.now - started)"
            done["outcome"] = "failed"
            done["error"] = "\(failure.code): \(failure.message)"
            logger.error("run finished", metadata: done)
            return RunReport(key: key, runID: runID, result: .failed(failure))
        }
    }

    /// Maps any error to the run-history vocabulary, naming the connection and entity.
    static func exportError(_ error: any Error, key: RunKey) -> ExportError {
        let context = "connection \(key.connectionID), entity \(key.entity.rawValue)"
        switch error {
        case let error as ExportError:
            switch error {
            case .database(let m): return .database("\(context): \(m)")
            case .network(let m): return .network("\(context): \(m)")
            case .s3(let code, let m): return .s3(code: code, message: "\(context): \(m)")
            case .internal(let m): return .internal("\(context): \(m)")
            default: return error
            }
        case is PSQLError, is PostgresTransactionError:
            return .database("\(context): \(PostgresErrorText.describe(error))")
        case is CancellationError:
            return .shutdown("\(context): the run was cancelled")
        default:
            return .internal("\(context): \(error)")
        }
    }
}
