import ArgumentParser
import ExporterCore
import ExporterEngine
import Foundation

/// `vacuum`: deletes the files a connection's Delta tables no longer name, once they are older
/// than the retention (the daemon also does this once a day).
///
/// Exit codes: 0 done; 64 an unknown connection; 78 the connection is not a Delta connection or
/// its settings cannot be read; 1 a table could not be vacuumed (the others still are).
struct VacuumCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vacuum",
        abstract: "Delete files a connection's Delta tables removed longer ago than the retention.",
        discussion: """
            For each entity of a connection with sync_config.s3.table_format "delta": deletes the data \
            files a re-export replaced (removed from the table) more than EXPORTER_DELTA_RETENTION_HOURS \
            ago (default 168, 7 days), and data files of runs that stopped before their commit once they \
            are as old. Never a file the table's latest version names, never the log, a manifest or an \
            Athena list, never another tool's file. Time travel to a version older than the retention \
            fails afterwards for the windows whose files were deleted. The daemon vacuums every Delta \
            connection once a day. --dry-run lists what would be deleted.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The connection id.") var connection: String
    @Option(help: "Only these entities (repeatable; default: the connection's).") var entity: [EntityType] = []
    @Option(help: ArgumentHelp("Hours a removed file is kept (default: EXPORTER_DELTA_RETENTION_HOURS).", valueName: "hours"))
    var retentionHours: Int?
    @Flag(help: "List what would be deleted, delete nothing.") var dryRun = false
    @Flag(help: "Print JSON for scripts.") var json = false

    func validate() throws {
        if let retentionHours, retentionHours < 0 { throw ValidationError("--retention-hours must be 0 or more") }
    }

    func run() async throws {
        try await CommandRunner.run {
            let settings = try await SettingsLoader.load(global)
            let encryptionKey = try settings.requireEncryptionKey()
            let logger = ProcessLogging.makeLogger(settings)
            let (connection, entities, dryRun) = (connection, entity.isEmpty ? nil : entity, dryRun)
            let hours = retentionHours ?? settings.deltaRetentionHours
            let results = try await Runtime.withEngine(settings, encryptionKey: encryptionKey, logger: logger, schema: .verify) { engine in
                try await engine.vacuumDeltaTables(connectionID: connection, entities: entities, retentionHours: hours, dryRun: dryRun)
            }
            var failures: [ExportError] = []
            var printed: [[String: String]] = []
            for result in results {
                switch result {
                case .success(let report):
                    if json {
                        for key in report.deleted { printed.append(["table": report.location, "key": key]) }
                    } else {
                        print("\(report.location) version \(report.version): \(dryRun ? "would delete" : "deleted") "
                              + "\(CountText.of(Int64(report.deleted.count), "file")), kept \(CountText.of(Int64(report.keptTombstones), "removed file")) "
                              + "younger than \(hours)h")
                        for key in report.deleted { print("  \(key)") }
                    }
                case .failure(let error):
                    failures.append(error)
                    CommandRunner.printError("error: \(error.message)")
                }
            }
            if json { try JSONOutput.print(printed) }
            if !failures.isEmpty {
                throw failures.allSatisfy({ $0.code == "config" }) ? ExitCodes.configuration : ExitCodes.runFailed
            }
        }
    }
}
