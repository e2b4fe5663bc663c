import ExporterCore
import ExporterEngine
import ExporterRunHistory
import ExporterScheduler
import ExporterSystem
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `flexprice-exporter run`: the long-running exporter (DESIGN §4, §6, §7), a ServiceLifecycle
/// `Service` like hummingbird's Application.
///
/// - A Dispatch timer asks for a pass every tick; passes run one at a time, each re-reading the
///   connections, so new, changed and deactivated connections take effect without a restart.
/// - SIGUSR1 asks for a forced pass (every due window plus a re-export of the latest completed
///   one); SIGHUP reloads the settings; SIGTERM/SIGINT (handled by the ServiceGroup) stop new
///   work and give the pass in flight `EXPORTER_SHUTDOWN_SECONDS` before it is cancelled, which
///   aborts its uploads and records its runs as failed with `shutdown`.
/// - A heartbeat in `exporter_workers` lets other daemons see this one is alive; `running` rows
///   of workers that stopped beating are marked `abandoned`, so their windows run again.
/// - Under systemd it reports READY, STATUS, WATCHDOG, RELOADING and STOPPING itself.
/// - For `/metrics` and `/healthz` (served beside it, not by it): it tells its ``DaemonMonitor``
///   the tick and every database round trip's result, and re-reads the streams' positions from
///   the run history at start and after each pass.
public final class ExporterDaemon: Service, Sendable {
    /// What the daemon needs from the process: its settings now, and a way to read them again.
    public struct Environment: Sendable {
        public var settings: ExporterSettings
        public var reloadSettings: @Sendable () async throws -> ExporterSettings
        /// Builds the engine for a set of settings (the encryption key may change on reload).
        public var makeEngine: @Sendable (ExporterSettings) -> ExportEngine
        public var logLevel: DynamicLogLevel?
        public var notifier: SystemdNotifier?
        /// Seconds since the epoch; a parameter so tests can move time.
        public var now: @Sendable () -> Int64
        /// Told the tick and each database round trip's result (the `/healthz` verdict).
        public var monitor: (any DaemonMonitor)?
        /// Reads the streams' positions from the run history into the metrics, once the
        /// database answers at start and after every pass, so a restart does not reset them.
        public var refreshStreamPositions: (@Sendable (RunHistory, ExporterSettings) async throws -> Void)?

        public init(settings: ExporterSettings, reloadSettings: @escaping @Sendable () async throws -> ExporterSettings,
                    makeEngine: @escaping @Sendable (ExporterSettings) -> ExportEngine, logLevel: DynamicLogLevel?,
                    notifier: SystemdNotifier?, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                    monitor: (any DaemonMonitor)? = nil,
                    refreshStreamPositions: (@Sendable (RunHistory, ExporterSettings) async throws -> Void)? = nil) {
            self.settings = settings
            self.reloadSettings = reloadSettings
            self.makeEngine = makeEngine
            self.logLevel = logLevel
            self.notifier = notifier
            self.now = now
            self.monitor = monitor
            self.refreshStreamPositions = refreshStreamPositions
        }
    }

    private enum Event: Sendable {
        case tick
        case force
        case reload
    }

    private let environment: Environment
    private let logger: Logger
    /// The settings in force; replaced on SIGHUP.
    private let current: Mutex<ExporterSettings>
    /// When the Delta tables were last vacuumed (nil: not yet since start); once a day.
    private let lastVacuum = Mutex<ContinuousClock.Instant?>(nil)

    public init(environment: Environment, logger: Logger) {
        self.environment = environment
        self.logger = logger
        self.current = Mutex(environment.settings)
    }

    public func run() async throws {
        let settings = current.withLock { $0 }
        environment.monitor?.configured(tickSeconds: settings.tickSeconds)
        let engine = environment.makeEngine(settings)
        do {
            // SIGTERM while the database is still down ends the wait (and the daemon, with 0).
            try await cancelWhenGracefulShutdown { try await self.waitForDatabase(engine) }
        } catch is CancellationError {
            notify(.stopping)
            // Neutral on purpose: the stop may come from elsewhere (the metrics address in use)
            // while the database is fine; a database that did not answer was logged as such.
            logger.info("stopped during start-up, before the first pass")
            return
        }
        await refreshStreamPositions(engine.history)
        notify(.ready, .status("ready; first pass starting"))
        logger.info("daemon started", metadata: ["worker": "\(engine.history.worker)", "tick": "\(settings.tickSeconds)s"])

        let (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(16))
        let timer = PassTimer(tickSeconds: settings.tickSeconds) { continuation.yield(.tick) }
        timer.start()
        continuation.yield(.tick)
        let signals = await UnixSignalsSequence(trapping: .sigusr1, .sighup)

        // Child tasks return true when their end should end the daemon.
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await signal in signals {
                    continuation.yield(signal == .sigusr1 ? .force : .reload)
                }
                return false
            }
            group.addTask {
                await self.housekeeping(history: engine.history)
                return false
            }
            group.addTask {
                // The event loop proper: passes and reloads, one at a time. It ends when the
                // stream is finished (shutdown) and the pass in flight is done.
                await self.handle(events, engine: engine, timer: timer)
                return true
            }
            group.addTask {
                // On SIGTERM/SIGINT: take no new work, then give the pass in flight its deadline.
                guard (try? await gracefulShutdown()) != nil else { return false }
                let deadline = self.current.withLock { $0.shutdownSeconds }
                self.notify(.stopping)
                self.logger.info("stopping: no new passes; in-flight runs have \(deadline) s to finish")
                continuation.finish()
                timer.stop()
                guard (try? await Task.sleep(for: .seconds(deadline))) != nil else { return false }
                self.logger.warning("shutdown deadline reached: aborting in-flight runs")
                return true
            }
            while let endsDaemon = await group.next() {
                if endsDaemon { break }
            }
            group.cancelAll()
        }
        timer.stop()
        try? await engine.history.unregister()
        logger.info("daemon stopped")
    }

    private func handle(_ events: AsyncStream<Event>, engine initial: ExportEngine, timer: PassTimer) async {
        var engine = initial
        for await event in events {
            switch event {
            case .tick:
                await pass(engine, forced: false)
            case .force:
                logger.info("SIGUSR1: forced pass")
                await pass(engine, forced: true)
            case .reload:
                notify(.reloadingNow)
                do {
                    let settings = try await environment.reloadSettings()
                    let reloaded = environment.makeEngine(settings)
                    // Turning EXPORTER_FLEXPRICE_TASKS on needs the table: otherwise keep the old settings.
                    try await reloaded.history.verifyFlexpriceTasks()
                    current.withLock { $0 = settings }
                    environment.logLevel?.level = Logger.Level(rawValue: settings.logLevel.rawValue) ?? .info
                    timer.reschedule(tickSeconds: settings.tickSeconds)
                    environment.monitor?.configured(tickSeconds: settings.tickSeconds)
                    engine = reloaded
                    logger.notice("SIGHUP: configuration reloaded", metadata: ["log_level": "\(settings.logLevel.rawValue)"])
                    notify(.ready, .status("configuration reloaded"))
                } catch {
                    logger.error("SIGHUP: configuration not reloaded, keeping the current one", metadata: ["error": "\(error)"])
                    notify(.ready, .status("reload failed: \(error)"))
                }
            }
        }
    }

    /// One scheduler pass; its outcome goes to the log and the systemd STATUS.
    ///
    /// A pass with nothing due logs one line at debug (one every tick would drown the log at
    /// info); a pass that ran, skipped or failed something logs one summary at info (and each
    /// run's report at debug).
    private func pass(_ engine: ExportEngine, forced: Bool) async {
        let settings = current.withLock { $0 }
        let planner = WindowPlanner(graceSeconds: Int64(settings.graceSeconds), catchupLimit: settings.catchupLimit,
                                    tickSeconds: Int64(settings.tickSeconds))
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let reports = try await engine.schedulePass(planner: planner, now: environment.now(), forced: forced,
                                                        maxConcurrency: settings.maxConcurrency)
            let summary = PassSummary(reports)
            let duration = DurationText.seconds(clock.now - started)
            for report in reports {
                logger.debug("in this pass", metadata: ["run": "\(report)"])
            }
            if reports.isEmpty {
                logger.debug("pass finished: nothing due", metadata: ["duration": "\(duration)", "forced": "\(forced)"])
            } else {
                logger.info("pass finished", metadata: [
                    "succeeded": "\(summary.succeeded)", "failed": "\(summary.failed)", "skipped": "\(summary.skipped)",
                    "duration": "\(duration)", "forced": "\(forced)",
                ])
            }
            await refreshStreamPositions(engine.history)
            await vacuumIfDue(engine, retentionHours: settings.deltaRetentionHours)
            // The daemon idles until the next tick: not at this pass's high-water mark (planning
            // 1,000 connections' windows, or exporting gigabytes).
            FreedMemory.returnToSystem()
            notify(.status("last pass \(Timestamp.rfc3339(seconds: environment.now())): "
                           + "\(summary.succeeded) succeeded, \(summary.failed) failed"))
        } catch {
            logger.error("pass failed", metadata: ["error": "\(error)", "duration": "\(DurationText.seconds(clock.now - started))"])
            notify(.status("last pass failed: \(error)"))
        }
    }

    /// Once a day (the first pass after start, then every 24 hours), vacuums every Delta
    /// connection's tables: the files re-exports replaced, once older than the retention. A table
    /// that cannot be vacuumed is logged and tried again the next day; it never stops a pass.
    private func vacuumIfDue(_ engine: ExportEngine, retentionHours: Int) async {
        let due = lastVacuum.withLock { last in
            guard last.map({ ContinuousClock.now - $0 >= .seconds(86_400) }) ?? true else { return false }
            last = .now
            return true
        }
        guard due else { return }
        do {
            for result in try await engine.vacuumDeltaTables(connectionID: nil, retentionHours: retentionHours, dryRun: false) {
                switch result {
                case .success(let report):
                    if !report.deleted.isEmpty {
                        logger.info("vacuumed a Delta table", metadata: [
                            "table": "\(report.location)", "version": "\(report.version)", "deleted": "\(report.deleted.count)",
                        ])
                    }
                case .failure(let error):
                    logger.error("could not vacuum a Delta table", metadata: ["error": "\(error.message)", "code": "\(error.code)"])
                }
            }
        } catch {
            logger.error("could not vacuum the Delta tables", metadata: ["error": "\(error)"])
        }
    }

    /// Until the database answers: retry with back-off, report it in STATUS, never crash-loop.
    /// A DATABASE_URL libpq cannot parse is no outage: it ends the daemon at once (exit 78).
    /// Once it answers, pending migrations are applied (idempotent, under their advisory lock);
    /// a role that may not apply them ends the daemon with ``SchemaError``, as retrying cannot help.
    private func waitForDatabase(_ engine: ExportEngine) async throws {
        let history = engine.history
        var delay = 1
        while true {
            do {
                if let url = current.withLock({ $0.databaseURL }) {
                    try await DatabaseProbe.check(url)
                }
                try await history.migrations.run()
                // EXPORTER_FLEXPRICE_TASKS on without a usable `tasks` table: exit 78 at start.
                try await history.verifyFlexpriceTasks()
                // EXPORTER_FLEXPRICE_SCHEDULED_TASKS on without FlexPrice's scheduled_tasks: exit 78.
                if let tasks = engine.scheduledTasks, try await !tasks.tableExists() {
                    throw SchemaError.flexpriceScheduledTasksMissing
                }
                try await Deadline.run(.seconds(5)) { try await history.heartbeat() }
                environment.monitor?.databaseChecked(failure: nil)
                return
            } catch let error as SchemaError {
                notify(.status("stopped: \(error)"))
                throw error
            } catch let error as DatabaseUnavailableError where error.needsRestart {
                // A DATABASE_URL libpq cannot parse never heals: exit 78, which the unit's
                // RestartPreventExitStatus keeps from a restart loop. A refused login is waited
                // for (a passfile or the server may fix it); a database that is down too.
                notify(.status("stopped: \(error)"))
                throw error
            } catch {
                try Task.checkCancellation()
                environment.monitor?.databaseChecked(failure: "\(error)")
                logger.error("waiting for the database", metadata: ["error": "\(error)", "retry_in": "\(delay)s"])
                notify(.status("waiting for the database: \(error)"))
                try await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 30)
            }
        }
    }

    /// Heartbeat, abandoned-run recovery, history retention and the systemd watchdog.
    private func housekeeping(history: RunHistory) async {
        let settings = current.withLock { $0 }
        let heartbeat = RunHistory.heartbeatSeconds(tick: settings.tickSeconds)
        var interval = Duration.seconds(heartbeat)
        if let watchdog = environment.notifier?.watchdogPingInterval, watchdog < interval { interval = watchdog }
        var lastPrune = ContinuousClock.Instant.now - .seconds(3_600)
        while !Task.isCancelled {
            notify(.watchdog)
            do {
                try await Deadline.run(.seconds(10)) { try await history.heartbeat() }
                environment.monitor?.databaseChecked(failure: nil)
                let abandoned = try await history.abandonRunsOfDeadWorkers(leaseSeconds: 3 * heartbeat)
                if abandoned > 0 {
                    logger.warning("abandoned runs of stopped workers; their windows will be exported again",
                                   metadata: ["runs": "\(abandoned)"])
                }
                if ContinuousClock.now - lastPrune >= .seconds(3_600) {
                    let pruned = try await history.prune(olderThanDays: current.withLock { $0.historyDays })
                    if pruned > 0 { logger.info("pruned run history", metadata: ["runs": "\(pruned)"]) }
                    lastPrune = .now
                }
            } catch {
                // Every step here is a database round trip: a failure means the database did not
                // answer (or refused), which /healthz reports until a heartbeat succeeds again.
                if !Task.isCancelled { environment.monitor?.databaseChecked(failure: "\(error)") }
                logger.error("housekeeping failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// The streams' positions into the metrics; a failure is logged and the gauges keep their
    /// last values until the next pass.
    private func refreshStreamPositions(_ history: RunHistory) async {
        guard let refresh = environment.refreshStreamPositions else { return }
        let settings = current.withLock { $0 }
        do {
            try await Deadline.run(.seconds(30)) { try await refresh(history, settings) }
        } catch {
            logger.warning("could not read the streams' positions for the metrics", metadata: ["error": "\(error)"])
        }
    }

    private func notify(_ states: NotifyState...) {
        guard let notifier = environment.notifier else { return }
        do {
            try notifier.send(states)
        } catch {
            logger.debug("systemd notify failed", metadata: ["error": "\(error)"])
        }
    }
}
