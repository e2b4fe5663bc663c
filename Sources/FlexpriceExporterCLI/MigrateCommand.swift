import ArgumentParser
import ExporterRunHistory

/// `migrate`: creates or upgrades the exporter's own tables (export_runs). Safe to repeat.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the export_runs table (idempotent).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run {
            let settings = try await SettingsLoader.load(global)
            let logger = ProcessLogging.makeLogger(settings)
            let applied = try await Runtime.withPostgres(settings, logger: logger) { client in
                try await Migrations(client: client, logger: logger).run()
            }
            print(applied.isEmpty ? "migrations: up to date" : "migrations: applied \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}
