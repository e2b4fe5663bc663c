import ArgumentParser
import ExporterCore
import ExporterEngine
import ExporterProgress
import ExporterRunHistory
import Foundation

/// `backfill`: a range of past windows of one connection, each its own objects (DESIGN §7).
struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Export every window of a connection's interval in a date range (exit 1 when any run failed).",
        discussion: """
            Every window of the connection's interval from the one holding --from up to --to (default: the \
            latest due window), oldest first, each its own objects, trigger backfill. Windows that already \
            succeeded are skipped unless --force, so running it again continues where it stopped; an entity \
            stops at its first failed window. Backfilled windows count as the stream's position: the daemon \
            continues after them. --dry-run prints the windows, keys and row counts and uploads nothing.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The connection id.") var connection: String?
    @Option(name: .customLong("scheduled-task"),
            help: "Instead of --connection: this FlexPrice scheduled task (needs EXPORTER_FLEXPRICE_SCHEDULED_TASKS=true).")
    var scheduledTask: String?
    @Option(help: "Only this entity type; repeat for several.")
    var entity: [EntityType] = []
    @Option(help: "The first window holds this time (RFC 3339 or yyyy-MM-dd).") var from: String
    @Option(help: "Windows end by this time (default: the latest due window).") var to: String?
    @Flag(help: "Export windows that already succeeded again.") var force = false
    @Flag(name: .customLong("dry-run"), help: "Print what would be exported; upload and record nothing.") var dryRun = false
    @Flag(help: "No live progress line (it is drawn only when standard output is a terminal).") var quiet = false

    func validate() throws {
        guard (connection == nil) != (scheduledTask == nil) else {
            throw ValidationError("give --connection or --scheduled-task (one of them)")
        }
        guard let start = Timestamp.parse(from) else { throw ValidationError("--from \(from) is not RFC 3339 or yyyy-MM-dd") }
        if let to {
            guard let end = Timestamp.parse(to) else { throw ValidationError("--to \(to) is not RFC 3339 or yyyy-MM-dd") }
            guard start < end else { throw ValidationError("--from must be before --to") }
        }
    }

    func run() async throws {
        try await CommandRunner.run {
            let settings = try await SettingsLoader.load(global)
            let key = try settings.requireEncryptionKey()
            // Before the logger: a log line must clear the progress line first.
            let progress = TerminalProgress.line(quiet: quiet)
            defer { progress?.close() }
            let logger = ProcessLogging.makeLogger(settings, sink: TerminalProgress.logSink(progress))
            let start = Timestamp.parse(from) ?? 0
            let end = to.flatMap(Timestamp.parse)
            let entities = entity.isEmpty ? nil : entity
            let (connection, force, dryRun, task) = (connection ?? "", force, dryRun, scheduledTask)
            if task != nil && !settings.flexpriceScheduledTasks {
                throw Failure.configuration("--scheduled-task needs EXPORTER_FLEXPRICE_SCHEDULED_TASKS=true")
            }
            let now = Int64(Date().timeIntervalSince1970)
            let reports = try await InterruptibleWork.run { try await Runtime.withEngine(settings, encryptionKey: key, logger: logger,
                                                                                    schema: dryRun ? .verify : .migrate,
                                                                                    observer: TerminalProgress.observer(progress)) { engine in
                @Sendable func backfill() async throws -> [RunReport] {
                    try await engine.backfill(connectionID: connection, entities: entities, from: start, to: end, now: now,
                                              graceSeconds: Int64(settings.graceSeconds), force: force, dryRun: dryRun,
                                              scheduledTaskID: task)
                }
                if dryRun { return try await backfill() }
                // Runs are started: beat like a daemon, so no daemon takes them for a dead worker's.
                let beat = Duration.seconds(RunHistory.heartbeatSeconds(tick: settings.tickSeconds))
                return try await engine.history.keepingAlive(every: beat) { try await backfill() }
            } }
            progress?.close() // the reports start on a line of their own
            if reports.isEmpty { print("no window in that range is due") }
            for report in reports { print(report) }
            if reports.contains(where: \.failed) { throw ExitCodes.runFailed }
            if reports.contains(where: { $0.runningElsewhere != nil }) { throw ExitCodes.runningElsewhere }
        }
    }
}
