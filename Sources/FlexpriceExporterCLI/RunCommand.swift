import ArgumentParser
import ExporterCore
import ExporterDaemon
import ExporterProgress
import ExporterSystem
import Foundation
import Logging
import ServiceLifecycle

/// `run`: the daemon. SIGUSR1 forces a pass, SIGHUP reloads the settings, SIGTERM/SIGINT stop it
/// gracefully (exit 0).
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
            let global = global
            let observer = RunObservers([ProgressLog(logger: logger, interval: .seconds(settings.progressLogSeconds))])
            let daemon = ExporterDaemon(
                environment: .init(
                    settings: settings,
                    reloadSettings: {
                        let reloaded = try await SettingsLoader.load(global)
                        if reloaded.databaseURL != settings.databaseURL {
                            logger.warning("DATABASE_URL changed; it takes effect after a restart")
                        }
                        return reloaded
                    },
                    makeEngine: { current in
                        Runtime.makeEngine(current, encryptionKey: current.encryptionKey ?? key, postgres: postgres,
                                           http: http, logger: logger, observer: observer)
                    },
                    logLevel: level,
                    notifier: SystemdNotifier()),
                logger: logger)
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: daemon, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
            do {
                try await group.run()
            } catch {
                await postgres.shutdown()
                try? await http.shutdown()
                throw error
            }
            await postgres.shutdown()
            try await http.shutdown()
        }
    }
}
