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
        version: "flexprice-exporter \(BuildInfo.version) (\(BuildInfo.commit))",
        subcommands: [RunCommand.self, SyncCommand.self, BackfillCommand.self, StatusCommand.self, CheckCommand.self, MigrateCommand.self,
                      SchemaCommand.self,
                      UrlCommand.self,
                      EncryptSecretCommand.self])

    static func main() async {
        AllocatorTuning.apply()
        await main(GlobalOptionOrder.normalized(Array(CommandLine.arguments.dropFirst())))
    }
}
