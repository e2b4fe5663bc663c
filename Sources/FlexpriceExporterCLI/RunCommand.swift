import ArgumentParser
import ExporterCore
import ExporterDaemon
import ExporterMetrics
import ExporterProgress
import ExporterRunHistory
import ExporterSystem
import Foundation
import Logging
import ServiceLifecycle

/// `run`: the daemon. SIGUSR1 forces a pass, SIGHUP reloads the settings, SIGTERM/SIGINT stop it
/// gracefully (exit 0). Beside it, unless EXPORTER_METRICS_ADDRESS is `off`, the metrics and
/// health listener, in the same ServiceGroup so it stops with the daemon; an address it cannot
/// listen on exits 78 naming it.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the exporter daemon (SIGUSR1: sync now, SIGHUP: reload, SIGTERM: stop).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run {
            let settings = try await SettingsLoader.load(global)
            let key = try settings.requireEncryptionKey()
            let (logger, level) = ProcessLogging.bootstrap(settings)
            let postgres = try Runtime.makePostgres(settings, logger: logger)
            let http = Runtime.makeHTTPClient()
            let clickHouseHTTP = try Runtime.makeClickHouseHTTPClient(settings)
            let global = global
            // Only `run` serves metrics: one registry and one health state for the process,
            // fed by every engine the daemon makes (a reload makes a new one).
            // With EXPORTER_METRICS_ADDRESS=off nobody can read the figures: keep none (at 1,000
            // connections the stream gauges alone are 12,000 series, about 5 MiB).
            let metrics = settings.metricsAddress == nil ? nil : MetricsObserver()
            let health = HealthState(tickSeconds: settings.tickSeconds)
            var watchers: [any RunObserver] = [ProgressLog(logger: logger, interval: .seconds(settings.progressLogSeconds)), health]
            if let metrics { watchers.append(metrics) }
            let observers = RunObservers(watchers)
            let countS3Request: (@Sendable (String, String) -> Void)? = metrics.map { metrics in
                { @Sendable operation, code in metrics.countS3Request(operation: operation, code: code) }
            }
            let refreshStreamPositions: (@Sendable (RunHistory, ExporterSettings) async throws -> Void)? = metrics.map { metrics in
                { @Sendable history, current in
                    let rows = try await history.streamStatuses(connectionID: nil, graceSeconds: Int64(current.graceSeconds),
                                                                scheduledTasks: current.flexpriceScheduledTasks)
                    let tables = try await history.deltaTableVersions()
                    metrics.updateStreamPositions(rows.map { row in
                        StreamPosition(connectionID: ExportStream.label(connectionID: row.connectionID,
                                                                        scheduledTaskID: row.scheduledTaskID),
                                       entity: row.entity,
                                       lastSuccessWindowEnd: row.lastSucceededWindowEnd, windowsBehind: row.windowsBehind,
                                       failingWindows: row.failingWindows,
                                       deltaTableVersion: tables.first {
                                           $0.stream.connectionID == row.connectionID && $0.stream.entity.rawValue == row.entity
                                               && $0.stream.scheduledTaskID == row.scheduledTaskID
                                       }?.version)
                    })
                    let problems = try await history.openProblems(connectionID: nil)
                    metrics.updateConnectionProblems(Dictionary(problems.map { ($0.connectionID, $0.errorCode) },
                                                                uniquingKeysWith: { first, _ in first }))
                }
            }
            let daemon = ExporterDaemon(
                environment: .init(
                    settings: settings,
                    reloadSettings: {
                        let reloaded = try await SettingsLoader.load(global)
                        // An unknown key added to the file is said at the reload, as at start.
                        ProcessLogging.logWarnings(of: reloaded, to: logger)
                        if reloaded.databaseURL != settings.databaseURL {
                            logger.warning("DATABASE_URL changed; it takes effect after a restart")
                        }
                        if reloaded.clickHouseURL?.caFile != settings.clickHouseURL?.caFile {
                            logger.warning("EXPORTER_CLICKHOUSE_CA_FILE changed; it takes effect after a restart")
                        }
                        if reloaded.metricsAddress != settings.metricsAddress {
                            logger.warning("EXPORTER_METRICS_ADDRESS changed; it takes effect after a restart")
                        }
                        return reloaded
                    },
                    makeEngine: { current in
                        Runtime.makeEngine(current, encryptionKey: current.encryptionKey ?? key, postgres: postgres,
                                           http: http, clickHouseHTTP: clickHouseHTTP, logger: logger, observer: observers,
                                           onS3Request: countS3Request)
                    },
                    logLevel: level,
                    notifier: SystemdNotifier(),
                    monitor: health,
                    refreshStreamPositions: refreshStreamPositions),
                logger: logger)
            // The listener first: on SIGTERM the group stops services in reverse order, so the
            // daemon drains its runs while /metrics and /healthz still answer.
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
            if let address = settings.metricsAddress, let metrics {
                services.append(.init(service: MetricsServer(address: address, metrics: metrics, health: health, logger: logger)))
            }
            // A daemon that stops on an error (a configuration problem found at start) shuts the
            // listener down gracefully too, rather than cancelling it mid-start: the operator sees
            // the one message that matters, not the HTTP server's cancellation errors before it.
            services.append(.init(service: daemon, successTerminationBehavior: .gracefullyShutdownGroup,
                                  failureTerminationBehavior: .gracefullyShutdownGroup))
            let group = ServiceGroup(configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
            do {
                try await group.run()
            } catch let error as MetricsServerError {
                await postgres.shutdown()
                try? await http.shutdown()
                try? await clickHouseHTTP.shutdown()
                throw Failure.configuration(error.description)
            } catch {
                await postgres.shutdown()
                try? await http.shutdown()
                try? await clickHouseHTTP.shutdown()
                throw error
            }
            await postgres.shutdown()
            try await http.shutdown()
            try? await clickHouseHTTP.shutdown()
        }
    }
}
