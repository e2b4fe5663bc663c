import ArgumentParser
import ExporterCore
import ExporterEngine
import ExporterProgress
import ExporterRunHistory
import ExporterScheduler
import Foundation

/// `sync`: one pass, then exit (exit 1 when any run failed).
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Run one export pass and exit (1 when any run failed).",
        discussion: """
            Without --from/--to it runs what is due, as the daemon would (--force adds a re-export of each \
            latest completed window, as SIGUSR1 does). With --from and --to it exports exactly that window \
            [from, to) for each selected connection and entity (trigger manual), even when it succeeded \
            before. T is RFC 3339 (2026-11-20T00:00:00Z) or a date (2026-11-20, midnight UTC). \
            --dry-run prints the windows, keys and row counts and uploads nothing.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only this connection id.") var connection: String?
    @Option(name: .customLong("scheduled-task"),
            help: "Only this FlexPrice scheduled task (scheduled_tasks.id; needs EXPORTER_FLEXPRICE_SCHEDULED_TASKS=true).")
    var scheduledTask: String?
    @Option(help: "Only this entity type; repeat for several.")
    var entity: [EntityType] = []
    @Option(help: "Window start (inclusive).") var from: String?
    @Option(help: "Window end (exclusive).") var to: String?
    @Flag(help: "Also re-export each latest completed window (as SIGUSR1 does).") var force = false
    @Flag(name: .customLong("dry-run"), help: "Print what would be exported; upload and record nothing.") var dryRun = false
    @Flag(help: "No live progress line (it is drawn only when standard output is a terminal).") var quiet = false

    func validate() throws {
        guard (from == nil) == (to == nil) else { throw ValidationError("--from and --to go together") }
        if let from, Timestamp.parse(from) == nil { throw ValidationError("--from \(from) is not RFC 3339 or yyyy-MM-dd") }
        if let to, Timestamp.parse(to) == nil { throw ValidationError("--to \(to) is not RFC 3339 or yyyy-MM-dd") }
        if let from, let to, let start = Timestamp.parse(from), let end = Timestamp.parse(to), start >= end {
            throw ValidationError("--from must be before --to")
        }
        if force && from != nil { throw ValidationError("--force applies to scheduled passes, not to --from/--to") }
    }

    func run() async throws {
        try await CommandRunner.run {
            let settings = try await SettingsLoader.load(global)
            let key = try settings.requireEncryptionKey()
            // Before the logger: a log line must clear the progress line first.
            let progress = TerminalProgress.line(quiet: quiet)
            defer { progress?.close() }
            let logger = ProcessLogging.makeLogger(settings, sink: TerminalProgress.logSink(progress))
            let window = from.flatMap(Timestamp.parse).flatMap { start in to.flatMap(Timestamp.parse).map { ExportWindow(start: start, end: $0) } }
            let entities = entity.isEmpty ? nil : entity
            let (connection, force, dryRun, task) = (connection, force, dryRun, scheduledTask)
            if task != nil && !settings.flexpriceScheduledTasks {
                throw Failure.configuration("--scheduled-task needs EXPORTER_FLEXPRICE_SCHEDULED_TASKS=true")
            }
            // A dry run changes nothing, the schema included.
            let reports = try await InterruptibleWork.run { try await Runtime.withEngine(settings, encryptionKey: key, logger: logger,
                                                                                    schema: dryRun ? .verify : .migrate,
                                                                                    observer: TerminalProgress.observer(progress)) { engine in
                if dryRun, let window {
                    return try await engine.previewWindow(window, connectionID: connection, entities: entities)
                }
                let planner = WindowPlanner(graceSeconds: Int64(settings.graceSeconds), catchupLimit: settings.catchupLimit,
                                            tickSeconds: Int64(settings.tickSeconds))
                if dryRun {
                    return try await engine.schedulePass(planner: planner, now: Int64(Date().timeIntervalSince1970), forced: force,
                                                         forcedTrigger: .forced, maxConcurrency: settings.maxConcurrency,
                                                         connectionID: connection, entities: entities, dryRun: true,
                                                         scheduledTaskID: task)
                }
                // Runs are started: beat like a daemon, so no daemon takes them for a dead worker's.
                let beat = Duration.seconds(RunHistory.heartbeatSeconds(tick: settings.tickSeconds))
                return try await engine.history.keepingAlive(every: beat) {
                    if let window {
                        return try await engine.exportWindow(window, connectionID: connection, entities: entities,
                                                             scheduledTaskID: task)
                    }
                    return try await engine.schedulePass(planner: planner, now: Int64(Date().timeIntervalSince1970), forced: force,
                                                         forcedTrigger: .forced, maxConcurrency: settings.maxConcurrency,
                                                         connectionID: connection, entities: entities, scheduledTaskID: task)
                }
            } }
            progress?.close() // the reports start on a line of their own
            if reports.isEmpty { print("nothing is due") }
            for report in reports { print(report) }
            if reports.contains(where: \.failed) { throw ExitCodes.runFailed }
            if reports.contains(where: { $0.runningElsewhere != nil }) { throw ExitCodes.runningElsewhere }
        }
    }
}

extension EntityType: ExpressibleByArgument {}
