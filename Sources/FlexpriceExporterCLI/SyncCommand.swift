import ArgumentParser
import ExporterCore
import ExporterEngine
import ExporterRunHistory

/// `sync`: one pass, then exit (exit 1 when any run failed).
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Run one export pass and exit (1 when any run failed).",
        discussion: """
            With --from and --to, exports exactly that window [from, to) for each selected connection \
            and entity (trigger manual), even when it succeeded before. T is RFC 3339 \
            (2026-11-20T00:00:00Z) or a date (2026-11-20, midnight UTC).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only this connection id.") var connection: String?
    @Option(help: "Only this entity type (feature_usage, customer, invoice, price, subscription, credit_note).")
    var entity: [EntityType] = []
    @Option(help: "Window start (inclusive).") var from: String?
    @Option(help: "Window end (exclusive).") var to: String?

    func validate() throws {
        guard (from == nil) == (to == nil) else { throw ValidationError("--from and --to go together") }
        if let from, Timestamp.parse(from) == nil { throw ValidationError("--from \(from) is not RFC 3339 or yyyy-MM-dd") }
        if let to, Timestamp.parse(to) == nil { throw ValidationError("--to \(to) is not RFC 3339 or yyyy-MM-dd") }
        if let from, let to, let start = Timestamp.parse(from), let end = Timestamp.parse(to), start >= end {
            throw ValidationError("--from must be before --to")
        }
        if from == nil { throw ValidationError("--from and --to are required until the scheduler lands") }
    }

    func run() async throws {
        try await CommandRunner.run {
            let settings = try await SettingsLoader.load(global)
            let key = try settings.requireEncryptionKey()
            let logger = LogSetup.makeLogger(settings)
            guard let from, let to, let start = Timestamp.parse(from), let end = Timestamp.parse(to) else {
                throw ValidationError("--from and --to are required")
            }
            let window = ExportWindow(start: start, end: end)
            let entities = entity.isEmpty ? nil : entity
            let connection = connection
            let reports = try await Runtime.withHTTPClient { http in
                try await Runtime.withPostgres(settings, logger: logger) { postgres in
                    let engine = ExportEngine(
                        postgres: postgres, secretBox: SecretBox(encryptionKey: key), logger: logger,
                        makeSink: ExportEngine.s3Sinks(http: http, logger: logger, maxAttempts: settings.s3MaxAttempts,
                                                       partSize: settings.partSizeMB * 1024 * 1024))
                    return try await engine.exportWindow(window, connectionID: connection, entities: entities)
                }
            }
            for report in reports { print(report) }
            if reports.contains(where: \.failed) { throw ExitCodes.runFailed }
        }
    }
}

extension EntityType: ExpressibleByArgument {}
