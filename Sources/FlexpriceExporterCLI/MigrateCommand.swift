import ArgumentParser
import ExporterRunHistory

/// `migrate`: creates or upgrades the exporter's own tables and view. Safe to repeat.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the exporter's tables and the view export_stream_status (idempotent).",
        discussion: """
            In DATABASE_URL's database (beside FlexPrice's tables, which it reads and never changes) it \
            creates the tables export_runs (one row per export run), exporter_workers (the heartbeat of \
            each daemon and sync), connection_problems (connections that cannot be exported at all), \
            delta_tables, delta_table_files and delta_table_transactions (the state of each Delta Lake \
            table a connection with table_format delta writes) and exporter_migrations (the steps \
            applied), their indexes, and the view export_stream_status \
            (where each connection and entity stands). Each step runs once; running it again changes \
            nothing. run, and sync and backfill without --dry-run, apply pending steps at start, so \
            migrate is for a role of its own (one that may create tables) or a deliberate upgrade.
            """)

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
