import ArgumentParser

/// `flexprice-exporter`: exports FlexPrice billing data from PostgreSQL to S3 (DESIGN §7).
///
/// Exit codes (``ExitCodes``): 0 ok, 1 a run failed, 64 usage, 69 database unavailable,
/// 78 configuration error.
@main
struct FlexpriceExporter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flexprice-exporter",
        abstract: "Export FlexPrice billing data from PostgreSQL to S3 on a schedule.",
        // --config is each subcommand's option (GlobalOptions), moved there when written first
        // (GlobalOptionOrder), so the root's help names it here.
        usage: "flexprice-exporter [--config <file>] <subcommand> [<options>]",
        discussion: """
            Every subcommand takes --config <file>, before or after the subcommand's name: a settings \
            file of KEY=value lines, read as systemd's EnvironmentFile= reads it; the process \
            environment wins over it. Without --config, the environment variable EXPORTER_CONFIG_FILE \
            names the file. Settings: docs/configuration.md.
            """,
        version: "flexprice-exporter \(BuildInfo.version) (\(BuildInfo.commit))",
        subcommands: [RunCommand.self, SyncCommand.self, BackfillCommand.self, StatusCommand.self, CheckCommand.self, MigrateCommand.self,
                      SchemaCommand.self,
                      UrlCommand.self, VacuumCommand.self,
                      EncryptSecretCommand.self])

    static func main() async {
        AllocatorTuning.apply()
        await main(GlobalOptionOrder.normalized(Array(CommandLine.arguments.dropFirst())))
    }
}
