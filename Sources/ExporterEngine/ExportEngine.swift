import DeltaLake
import AsyncHTTPClient
import ExporterClickHouse
import ExporterCore
import ExporterRunHistory
import ExporterScheduler
import ExporterSink
import ExporterSource
import Foundation
import Logging
import ExporterDatabase
import NIOCore
import SigV4

/// What happened to one (connection, entity, window).
public struct RunReport: Sendable, CustomStringConvertible {
    public enum Result: Sendable {
        case succeeded(RunOutcome)
        case failed(ExportError)
        /// Not run: another worker holds the window, or it is already done.
        case skipped(SkipReason)
        /// A dry run: what would be exported.
        case planned(trigger: RunTrigger, objectKey: String, rows: Int64)
    }

    /// Why a run was not started.
    public enum SkipReason: Sendable {
        /// A live run of another worker is exporting the window right now.
        case runningElsewhere(RunningElsewhere)
        /// A scheduled run found the window already succeeded (another worker finished it).
        case alreadySucceeded
    }

    public let key: RunKey
    public let runID: Int64?
    public let result: Result
    /// The report stands for the whole connection (its settings or credentials cannot be read):
    /// no run was recorded, the problem is in `connection_problems`.
    public let connectionLevel: Bool

    public init(key: RunKey, runID: Int64?, result: Result, connectionLevel: Bool = false) {
        self.key = key
        self.runID = runID
        self.result = result
        self.connectionLevel = connectionLevel
    }

    public var failed: Bool {
        if case .failed = result { return true }
        return false
    }

    /// The run holding the window, when this one was skipped because of it (`sync` exits 75).
    public var runningElsewhere: RunningElsewhere? {
        if case .skipped(.runningElsewhere(let holder)) = result { return holder }
        return nil
    }

    public var description: String {
        if connectionLevel, case .failed(let e) = result {
            return "\(key.connectionID): cannot be exported, \(e.code): \(e.message)"
        }
        let what = "\(key.connectionID) \(key.entity.rawValue) \(key.window)"
        switch result {
        case .succeeded(let o): return "\(what): succeeded, \(CountText.of(o.rowCount, "row")), \(CountText.of(o.bytesUploaded, "byte")), manifest \(o.manifestKey)"
        case .failed(let e): return "\(what): failed, \(e.code): \(e.message)"
        case .skipped(.runningElsewhere(let holder)):
            return "\(what): skipped: window is being exported by worker \(holder.worker) since \(holder.startedAt)"
        case .skipped(.alreadySucceeded): return "\(what): skipped: already succeeded"
        case .planned(let trigger, let objectKey, let rows): return "\(what): would export \(CountText.of(rows, "row")) to \(objectKey) (\(trigger.rawValue))"
        }
    }
}

/// Runs exports: reads connections, decrypts their credentials, and drives an ``ExportJob`` per
/// (connection, entity, window), recording each in the run history.
///
/// A connection whose settings or credentials cannot be read fails on its own, recorded with
/// a message naming the field; the others go on.
public struct ExportEngine: Sendable {
    /// Makes the sink for a connection; S3 in production, replaceable for tests and benchmarks.
    public typealias SinkFactory = @Sendable (ConnectionSettings, AWSCredentials) throws -> any ObjectSink

    public let catalog: ConnectionCatalog
    /// FlexPrice's scheduled tasks, each a stream of its own (EXPORTER_FLEXPRICE_SCHEDULED_TASKS);
    /// nil when the option is off.
    public let scheduledTasks: ScheduledTaskCatalog?
    /// The billing tables (and `feature_usage` without ClickHouse), binary COPY from PostgreSQL.
    public let postgresSource: EntitySource
    /// Usage from ClickHouse (EXPORTER_CLICKHOUSE_URL); nil when it is not configured.
    public let clickHouseSource: ClickHouseSource?
    public let history: RunHistory
    /// Where runs are recorded: `history` itself unless the caller adds a mirror.
    let recorder: any RunRecorder
    /// Told each run's start, progress and end, and each pass's figures (metrics, progress lines).
    let observer: any RunObserver
    let secretBox: SecretBox
    let makeSink: SinkFactory
    let logger: Logger
    private let batchSize: Int
    private let files: ExportFileOptions

    public init(postgres: DatabasePool, secretBox: SecretBox, logger: Logger, makeSink: @escaping SinkFactory,
                batchSize: Int = ExporterSettings.defaultFetchRows, files: ExportFileOptions = ExportFileOptions(),
                worker: String = RunHistory.defaultWorker, recorder: (any RunRecorder)? = nil,
                observer: any RunObserver = RunObservers([]), flexpriceTasks: FlexpriceTasks? = nil,
                clickHouse: ClickHouseClient? = nil, scheduledTasks: Bool = false) {
        self.catalog = ConnectionCatalog(client: postgres, logger: logger)
        self.scheduledTasks = scheduledTasks ? ScheduledTaskCatalog(client: postgres) : nil
        self.postgresSource = EntitySource(client: postgres, logger: logger)
        self.clickHouseSource = clickHouse.map(ClickHouseSource.init(client:))
        self.history = RunHistory(client: postgres, logger: logger, worker: worker, tasks: flexpriceTasks)
        self.recorder = recorder ?? history
        self.observer = observer
        self.secretBox = secretBox
        self.makeSink = makeSink
        self.logger = logger
        self.batchSize = batchSize
        self.files = files
    }

    /// The production sink: S3 under the endpoint `policy`. A connection's endpoint is judged
    /// here as far as it can be without a lookup (its scheme, an address literal), so such a
    /// refusal is a problem of the connection, recorded once; a host name is resolved, judged and
    /// pinned at the connection's first request of the pass (``PinnedTransport``), and a refusal
    /// then fails the run. `http` serves address-literal endpoints; `resolver` is the system's
    /// unless a test answers for it. `onS3Request` is told each request's S3 operation and HTTP
    /// status (or `network`), for the metrics.
    public static func s3Sinks(http: HTTPClient, policy: EndpointPolicy, resolver: any HostResolver = SystemHostResolver(),
                               logger: Logger, maxAttempts: Int, partSize: Int,
                               requestTimeout: TimeAmount = .seconds(120),
                               onS3Request: (@Sendable (_ operation: String, _ code: String) -> Void)? = nil) -> SinkFactory {
        { settings, credentials in
            let endpoint = try S3Endpoint(bucket: settings.bucket, region: settings.region,
                                          endpointURL: settings.endpointURL, virtualHostStyle: settings.virtualHostStyle)
            try endpoint.check(policy)
            let transport = PinnedTransport(endpoint: endpoint, policy: policy, resolver: resolver, shared: http)
            let client = S3Client(endpoint: endpoint, credentials: credentials, http: transport, logger: logger,
                                  maxAttempts: maxAttempts, requestTimeout: requestTimeout, onRequest: onS3Request)
            return S3ObjectSink(client: client, partSize: partSize)
        }
    }

    /// A local directory instead of S3 (EXPORTER_SINK_DIRECTORY): `<root>/<bucket>/<key>`, for
    /// benchmarks and development. The connection's bucket still names the folder; its
    /// endpoint and credentials are not used.
    public static func directorySinks(root: String) -> SinkFactory {
        { settings, _ in DirectoryObjectSink(root: URL(fileURLWithPath: root, isDirectory: true), bucket: settings.bucket) }
    }

    /// Exports exactly `window` for each selected connection and entity (`sync --from --to`),
    /// even when it succeeded before.
    public func exportWindow(_ window: ExportWindow, connectionID: String?, entities: [EntityType]?,
                             trigger: RunTrigger = .manual, scheduledTaskID: String? = nil) async throws -> [RunReport] {
        let connections = try await connections(connectionID)
        var reports: [RunReport] = []
        for connection in connections {
            for stream in try await taskStreams(of: connection, entities: entities, only: scheduledTaskID) {
                switch stream.prepared {
                case .failed(let error):
                    reports.append(await recordTaskProblem(stream.task, connection, error, window: window))
                case .ready(let entity, let settings, let sink):
                    await resolveProblems([stream.task.id])
                    reports.append(await run(key(connection, entity, settings, window, task: stream.task.id),
                                             settings: settings, sink: sink, trigger: trigger))
                }
            }
            if scheduledTaskID != nil { continue }
            let prepared = prepare(connection, includeInactive: connectionID != nil)
            if case .failed(let error, _, _) = prepared, try await hasTasksWithoutOwnStreams(connection, error) { continue }
            switch prepared {
            case .inactive:
                continue
            case .failed(let error, let failedSettings, let entitiesOfConnection):
                reports.append(await recordProblem(connection, error, settings: failedSettings,
                                                   entity: (entities ?? entitiesOfConnection).first, window: window))
            case .ready(let settings, let sink):
                await resolveProblems([connection.id])
                for entity in entities ?? settings.entityTypes {
                    reports.append(await run(key(connection, entity, settings, window), settings: settings,
                                             sink: sink, trigger: trigger))
                }
            }
        }
        return reports
    }

    /// One scheduler pass (DESIGN §4): for every active connection and entity, the windows the
    /// planner says are due, oldest first and stopping at the first failure; up to
    /// `maxConcurrency` (connection, entity) streams at once, never two runs of one stream.
    /// With `dryRun`, nothing is exported or recorded: each planned run is reported with its key
    /// and row count. A forced pass's runs are recorded as `forcedTrigger`: `signal` for the
    /// daemon's SIGUSR1, `forced` for `sync --force`.
    public func schedulePass(planner: WindowPlanner, now: Int64, forced: Bool, forcedTrigger: RunTrigger = .signal,
                             maxConcurrency: Int,
                             connectionID: String? = nil, entities: [EntityType]? = nil,
                             dryRun: Bool = false, scheduledTaskID: String? = nil) async throws -> [RunReport] {
        let clock = ContinuousClock()
        let started = clock.now
        let connections = try await connections(connectionID)
        let states = try await history.scheduleStates(connectionIDs: connections.map(\.id))
        var streams: [@Sendable () async -> [RunReport]] = []
        var reports: [RunReport] = []
        var figures = PassFigures(duration: .zero, activeConnections: 0, inactiveConnections: 0, invalidConnections: 0)
        var readable: [String] = []
        /// Every connection and scheduled task this pass met, exportable or not.
        var present: [String] = []
        /// A stream's runs in window order, stopping at the first failure; a scheduled task's
        /// stream also stops when the task is disabled or deleted meanwhile (the run under way finishes).
        func addStream(_ connection: ExportConnection, _ entity: EntityType, _ settings: ConnectionSettings,
                       _ sink: any ObjectSink, task: String?) async {
            let state = states[ExportStream(connectionID: connection.id, entity: entity, scheduledTaskID: task)] ?? ScheduleState()
            let runs = planner.plan(interval: settings.interval, state: state, now: now, forced: forced,
                                    forcedTrigger: forcedTrigger)
            guard !runs.isEmpty else { return }
            let keys = runs.map { key(connection, entity, settings, $0.window, task: task) }
            if dryRun {
                for (runKey, planned) in zip(keys, runs) {
                    reports.append(await preview(runKey, settings: settings, trigger: planned.trigger))
                }
                return
            }
            let catalog = scheduledTasks
            streams.append {
                var done: [RunReport] = []
                for (index, (runKey, planned)) in zip(keys, runs).enumerated() {
                    if let task, let catalog, index > 0, await !((try? catalog.isEnabled(id: task)) ?? true) { break }
                    let report = await self.run(runKey, settings: settings, sink: sink, trigger: planned.trigger)
                    done.append(report)
                    // The sequence stops at its first failure (nothing is exported out of
                    // order); a failed retry of a window outside it stops nothing.
                    if case .succeeded = report.result { continue }
                    if planned.trigger == .retry { continue }
                    break
                }
                return done
            }
        }
        for connection in connections {
            present.append(connection.id)
            for stream in try await taskStreams(of: connection, entities: entities, only: scheduledTaskID) {
                present.append(stream.task.id)
                switch stream.prepared {
                case .failed(let error):
                    let interval = (try? stream.task.settings(connectionSyncConfig: connection.syncConfig))?.interval ?? .daily
                    let window = ExportWindow.latestDue(now: now, grace: planner.graceSeconds, interval: interval)
                    if dryRun {
                        reports.append(RunReport(key: key(connection, .featureUsage, nil, window, task: stream.task.id),
                                                 runID: nil, result: .failed(error), connectionLevel: true))
                    } else {
                        reports.append(await recordTaskProblem(stream.task, connection, error, window: window))
                    }
                case .ready(let entity, let settings, let sink):
                    readable.append(stream.task.id)
                    await addStream(connection, entity, settings, sink, task: stream.task.id)
                }
            }
            if scheduledTaskID != nil { continue }
            let prepared = prepare(connection, includeInactive: false)
            if case .failed(let error, _, _) = prepared, try await hasTasksWithoutOwnStreams(connection, error) {
                figures.inactiveConnections += 1
                continue
            }
            switch prepared {
            case .inactive:
                figures.inactiveConnections += 1
                readable.append(connection.id)
                continue
            case .failed(let error, let failedSettings, let entitiesOfConnection):
                figures.invalidConnections += 1
                // One report for the connection, and one row per distinct problem (not a failed
                // run per entity per pass): nothing can run until the tenant or operator fixes it.
                let window = ExportWindow.latestDue(now: now, grace: planner.graceSeconds, interval: failedSettings?.interval ?? .daily)
                let entity = (entities ?? entitiesOfConnection).first
                if dryRun {
                    reports.append(RunReport(key: key(connection, entity ?? .featureUsage, failedSettings, window), runID: nil,
                                             result: .failed(error), connectionLevel: true))
                } else {
                    reports.append(await recordProblem(connection, error, settings: failedSettings, entity: entity, window: window))
                }
            case .ready(let settings, let sink):
                figures.activeConnections += 1
                readable.append(connection.id)
                for entity in entities ?? settings.entityTypes {
                    await addStream(connection, entity, settings, sink, task: nil)
                }
            }
        }
        reports += await withTaskGroup(of: [RunReport].self) { group in
            var pending = streams[...]
            var running = 0
            var collected: [RunReport] = []
            while let next = pending.popFirst() {
                if running == max(1, maxConcurrency), let finished = await group.next() {
                    collected += finished
                    running -= 1
                }
                group.addTask(operation: next)
                running += 1
            }
            for await finished in group { collected += finished }
            return collected
        }
        if !dryRun {
            await resolveProblems(readable)
            // A full pass met every connection and task still exported: the problems of the
            // others (deleted, unpublished, disabled) are over.
            if connectionID == nil, entities == nil, scheduledTaskID == nil {
                await resolveProblems(ofAllBut: present)
            }
            figures.duration = clock.now - started
            observer.observe(.passFinished(figures))
        }
        return reports
    }

    /// What `exportWindow` would do, without doing it (`sync --from --to --dry-run`).
    public func previewWindow(_ window: ExportWindow, connectionID: String?, entities: [EntityType]?) async throws -> [RunReport] {
        var reports: [RunReport] = []
        for connection in try await connections(connectionID) {
            switch prepare(connection, includeInactive: connectionID != nil) {
            case .inactive:
                continue
            case .failed(let error, let failedSettings, let entitiesOfConnection):
                reports.append(RunReport(key: key(connection, (entities ?? entitiesOfConnection).first ?? .featureUsage,
                                                  failedSettings, window),
                                         runID: nil, result: .failed(error), connectionLevel: true))
            case .ready(let settings, _):
                for entity in entities ?? settings.entityTypes {
                    reports.append(await preview(key(connection, entity, settings, window), settings: settings,
                                                 trigger: .manual))
                }
            }
        }
        return reports
    }

    /// What a planned run would export, without exporting it (`sync --dry-run`).
    func preview(_ key: RunKey, settings: ConnectionSettings, trigger: RunTrigger) async -> RunReport {
        var objectKey = settings.keyLayout.dataKey(entity: key.entity, window: key.window, format: settings.format,
                                                   compression: settings.compression)
        if settings.isDelta {
            // The run id is known only once the run starts; the file joins the table in one commit.
            objectKey = settings.keyLayout.stem(entity: key.entity, window: key.window) + "_run-{run id}.parquet, "
                + "committed to the Delta table at \(settings.keyLayout.tableRoot(entity: key.entity))"
        }
        do {
            let rows = try await rowSource(for: key).count(EntityQuery(entity: key.entity, tenantID: key.tenantID,
                                                                       environmentID: key.environmentID, window: key.window,
                                                                       shape: settings.shape))
            return RunReport(key: key, runID: nil, result: .planned(trigger: trigger, objectKey: objectKey, rows: rows))
        } catch {
            return RunReport(key: key, runID: nil, result: .failed(Self.exportError(error, key: key)))
        }
    }

    /// Where `key`'s entity is read from (``EntityType/store(clickHouseConfigured:)``): the one
    /// place that knows which database a stream's rows come from.
    /// - Throws: a configuration error of the stream alone when its entity lives only in
    ///   ClickHouse and EXPORTER_CLICKHOUSE_URL is not set.
    func rowSource(for key: RunKey) throws(ExportError) -> any RowSource {
        switch key.entity.store(clickHouseConfigured: clickHouseSource != nil) {
        case .postgres:
            return postgresSource
        case .clickHouse:
            guard let clickHouseSource else {
                throw .config(connection: key.connectionID, field: "s3.entity_types",
                              problem: "names \(key.entity.rawValue), which is read from ClickHouse, but EXPORTER_CLICKHOUSE_URL is not set")
            }
            return clickHouseSource
        }
    }

    /// The connections to look at: one by id (``UnknownConnectionError`` if it does not exist), or all.
    func connections(_ id: String?) async throws -> [ExportConnection] {
        let connections = try await catalog.publishedS3Connections(id: id)
        if let id, connections.isEmpty { throw UnknownConnectionError(connectionID: id) }
        return connections
    }

    private enum Prepared {
        case inactive
        case failed(ExportError, settings: ConnectionSettings?, entities: [EntityType])
        case ready(ConnectionSettings, any ObjectSink)
    }

    /// Reads a connection's settings and credentials. A connection that cannot be read is never
    /// skipped silently: it is `.failed` with an error naming the field.
    private func prepare(_ connection: ExportConnection, includeInactive: Bool) -> Prepared {
        let settings: ConnectionSettings
        do {
            settings = try connection.settings()
        } catch {
            return .failed(error, settings: nil, entities: EntityType.allCases)
        }
        if !settings.syncActive && !includeInactive { return .inactive }
        do {
            return .ready(settings, try makeSink(settings, try connection.credentials(using: secretBox)))
        } catch let error as ExportError {
            return .failed(error.naming(connection: connection.id), settings: settings, entities: settings.entityTypes)
        } catch {
            return .failed(.internal("connection \(connection.id): \(error)"), settings: settings,
                           entities: settings.entityTypes)
        }
    }

    private func key(_ connection: ExportConnection, _ entity: EntityType, _ settings: ConnectionSettings?,
                     _ window: ExportWindow, task: String? = nil) -> RunKey {
        RunKey(connectionID: connection.id, tenantID: connection.tenantID, environmentID: connection.environmentID,
               entity: entity, interval: settings?.interval, window: window, format: settings?.format, bucket: settings?.bucket,
               scheduledTaskID: task)
    }

    /// A FlexPrice scheduled task's stream, ready to run or failed on its own.
    struct TaskStream {
        enum Prepared {
            case ready(EntityType, ConnectionSettings, any ObjectSink)
            case failed(ExportError)
        }
        let task: ScheduledTask
        let prepared: Prepared
    }

    /// The enabled, published scheduled tasks of `connection` (only task `only` when given), each
    /// with its settings (``ScheduledTask/settings(connectionSyncConfig:)``), entity and sink; none
    /// when the option is off.
    func taskStreams(of connection: ExportConnection, entities: [EntityType]?, only: String?) async throws -> [TaskStream] {
        guard let scheduledTasks else { return [] }
        var streams: [TaskStream] = []
        for task in try await scheduledTasks.enabledTasks(connectionID: connection.id) where only == nil || task.id == only {
            do {
                guard let entity = try task.export().entity else { continue }
                if let entities, !entities.contains(entity) { continue }
                let settings = try task.settings(connectionSyncConfig: connection.syncConfig)
                let sink = try makeSink(settings, try connection.credentials(using: secretBox))
                streams.append(TaskStream(task: task, prepared: .ready(entity, settings, sink)))
            } catch let error as ExportError {
                streams.append(TaskStream(task: task, prepared: .failed(error)))
            } catch {
                streams.append(TaskStream(task: task, prepared: .failed(.internal("connection \(connection.id), scheduled task \(task.id): \(error)"))))
            }
        }
        return streams
    }

    /// For `check`, its warnings, a sentence each: a connection exported per both definitions on
    /// one entity (its `sync_config.s3` names an entity one of its scheduled tasks exports too:
    /// the rows are then written twice, in two layouts), and an enabled task of an export
    /// FlexPrice computes (credit_usage, usage_analytics), which stays FlexPrice's. Empty when the
    /// option is off.
    public func scheduledTaskOverlaps(connectionID: String?) async throws -> [String] {
        guard let scheduledTasks else { return [] }
        var warnings: [String] = []
        for connection in try await connections(connectionID) {
            let tasks = try await scheduledTasks.enabledTasks(connectionID: connection.id)
            for task in tasks {
                if let export = ScheduledTask.Export(rawValue: task.entityType), let reason = export.unsupportedReason {
                    warnings.append("connection \(connection.id), scheduled task \(task.id): entity_type \(reason)")
                }
            }
            guard let settings = try? connection.settings(), settings.syncActive else { continue }
            for task in tasks {
                guard let entity = (try? task.export())?.entity, settings.entityTypes.contains(entity) else { continue }
                warnings.append("connection \(connection.id): sync_config.s3 exports \(entity.rawValue), and scheduled task "
                                + "\(task.id) exports it too (\(task.entityType)): both are written, in two layouts")
            }
        }
        return warnings
    }

    /// Whether `connection`'s own settings failed only because they define no streams of their own
    /// (no `sync_active`, as current FlexPrice writes `sync_config`) while it has scheduled tasks:
    /// not a problem, its own streams are simply off.
    func hasTasksWithoutOwnStreams(_ connection: ExportConnection, _ error: ExportError) async throws -> Bool {
        guard let scheduledTasks, case .config(_, let field, _) = error, field == "s3.sync_active" else { return false }
        return try await !scheduledTasks.enabledTasks(connectionID: connection.id).isEmpty
    }

    /// Records a scheduled task's stream that cannot run (its `job_config`, `entity_type` or
    /// `interval`, or its connection's credentials) once per distinct problem, in
    /// `connection_problems` under the task's id, so it neither floods `export_runs` nor stops the
    /// connection's other streams.
    private func recordTaskProblem(_ task: ScheduledTask, _ connection: ExportConnection, _ error: ExportError,
                                   window: ExportWindow) async -> RunReport {
        let asStream = ExportConnection(id: task.id, tenantID: connection.tenantID, environmentID: connection.environmentID,
                                        name: connection.name, syncConfig: connection.syncConfig,
                                        encryptedSecretData: nil, updatedAtMicros: connection.updatedAtMicros)
        let report = await recordProblem(asStream, error, settings: nil, entity: nil, window: window)
        return RunReport(key: key(connection, .featureUsage, nil, window, task: task.id), runID: nil,
                         result: report.result, connectionLevel: true)
    }

    /// Records a connection-level failure (unreadable settings or credentials) once per distinct
    /// problem in `connection_problems`, logged at error level when it is new; returns the
    /// connection's report (`entity` and `window` only place it: no run is recorded).
    private func recordProblem(_ connection: ExportConnection, _ error: ExportError, settings: ConnectionSettings?,
                               entity: EntityType?, window: ExportWindow) async -> RunReport {
        let metadata: Logger.Metadata = ["connection": "\(connection.id)", "error": "\(error.code): \(error.message)"]
        do {
            if try await history.recordProblem(connection, error) {
                logger.error("connection cannot be exported", metadata: metadata)
            } else {
                logger.debug("connection still cannot be exported", metadata: metadata)
            }
        } catch {
            logger.error("connection cannot be exported, and the problem could not be recorded",
                         metadata: metadata.merging(["record_error": "\(error)"]) { current, _ in current })
        }
        return RunReport(key: key(connection, entity ?? .featureUsage, settings, window), runID: nil,
                         result: .failed(error), connectionLevel: true)
    }

    /// Marks the problems of connections that read cleanly again as resolved.
    private func resolveProblems(_ connectionIDs: [String]) async {
        do {
            try await history.resolveProblems(connectionIDs: connectionIDs)
        } catch {
            logger.warning("could not mark connection problems resolved", metadata: ["error": "\(error)"])
        }
    }

    /// Marks the problems of connections and tasks no longer exported as resolved.
    private func resolveProblems(ofAllBut present: [String]) async {
        do {
            try await history.resolveProblems(ofAllBut: present)
        } catch {
            logger.warning("could not mark connection problems resolved", metadata: ["error": "\(error)"])
        }
    }

    /// One run: recorded as running, exported, recorded as succeeded or failed.
    func run(_ key: RunKey, settings: ConnectionSettings, sink: any ObjectSink, trigger: RunTrigger,
             skipIfSucceeded: Bool? = nil) async -> RunReport {
        // Once the exporter is stopping, start nothing more (an interrupted `sync` would
        // otherwise record a failed run for every window it had not reached yet).
        if Task.isCancelled {
            return RunReport(key: key, runID: nil, result: .failed(Self.exportError(CancellationError(), key: key)))
        }
        let observer = self.observer
        let runID: Int64
        do {
            switch try await recorder.begin(key, trigger: trigger,
                                            skipIfSucceeded: skipIfSucceeded ?? trigger.skipsSucceededWindows) {
            case .started(let id): runID = id
            case .alreadySucceeded:
                observer.observe(.finished(key, runID: nil, trigger: trigger, result: .skipped, progress: RunProgress()))
                return RunReport(key: key, runID: nil, result: .skipped(.alreadySucceeded))
            case .runningElsewhere(let holder):
                observer.observe(.finished(key, runID: nil, trigger: trigger, result: .skipped, progress: RunProgress()))
                logger.debug("window skipped: another worker is exporting it", metadata: [
                    "connection": "\(key.connectionID)", "entity": "\(key.entity.rawValue)", "window": "\(key.window)",
                    "holder": "\(holder.worker)", "holder_started_at": "\(holder.startedAt)",
                ])
                return RunReport(key: key, runID: nil, result: .skipped(.runningElsewhere(holder)))
            }
        } catch {
            let failure = Self.exportError(error, key: key)
            observer.observe(.finished(key, runID: nil, trigger: trigger, result: .failed(failure), progress: RunProgress()))
            return RunReport(key: key, runID: nil, result: .failed(failure))
        }
        let metadata: Logger.Metadata = [
            "run": "\(runID)", "connection": "\(key.connectionID)", "entity": "\(key.entity.rawValue)",
            "window": "\(key.window)", "trigger": "\(trigger.rawValue)",
        ]
        logger.info("run started", metadata: metadata)
        observer.observe(.started(key, runID: runID, trigger: trigger))
        let clock = ContinuousClock()
        let started = clock.now
        do {
            var job = ExportJob(key: key, settings: settings, source: try rowSource(for: key), sink: sink, logger: logger,
                                batchSize: batchSize, files: files)
            job.history = history
            job.onProgress = { observer.observe(.progressed(key, runID: runID, $0)) }
            let outcome = try await job.run(runID: runID)
            try await recorder.succeed(runID, of: key, outcome)
            observer.observe(.finished(key, runID: runID, trigger: trigger, result: .succeeded(outcome), progress: RunProgress(
                rows: outcome.rowCount, bytesRead: outcome.bytesRead, bytesUploaded: outcome.bytesUploaded,
                elapsed: clock.now - started)))
            var done = metadata
            done["rows"] = "\(outcome.rowCount)"
            done["bytes"] = "\(outcome.bytesUploaded)"
            done["duration"] = "\(DurationText.seconds(clock.now - started))"
            done["outcome"] = "succeeded"
            logger.info("run finished", metadata: done)
            return RunReport(key: key, runID: runID, result: .succeeded(outcome))
        } catch {
            let failure = Self.exportError(error, key: key)
            // A cancelled run (shutdown deadline) must still be recorded: the update runs in an
            // unstructured task, which does not inherit the cancellation. The failure may be the
            // database going away (a restart, a failover): a run left `running` would hold its
            // window, so the record is retried while the database comes back (about 15 s).
            let recorder = self.recorder
            let logger = self.logger
            await Task {
                for delay in [1, 2, 4, 8, 0] {
                    do {
                        try await recorder.fail(runID, failure)
                        return
                    } catch {
                        let last = delay == 0
                        logger.log(level: last ? .error : .warning, "could not record a failed run\(last ? "" : "; retrying")",
                                   metadata: ["run": "\(runID)", "error": "\(error)"])
                        if last { return }
                        try? await Task.sleep(for: .seconds(delay))
                    }
                }
            }.value
            var done = metadata
            done["duration"] = "\(DurationText.seconds(clock.now - started))"
            done["outcome"] = "failed"
            done["error"] = "\(failure.code): \(failure.message)"
            logger.error("run finished", metadata: done)
            observer.observe(.finished(key, runID: runID, trigger: trigger, result: .failed(failure),
                                       progress: RunProgress(elapsed: clock.now - started)))
            return RunReport(key: key, runID: runID, result: .failed(failure))
        }
    }

    /// Maps any error to the run-history vocabulary, naming the connection and entity.
    static func exportError(_ error: any Error, key: RunKey) -> ExportError {
        let context = "connection \(key.connectionID), entity \(key.entity.rawValue)"
        if Task.isCancelled {
            return .shutdown("\(context): the run was aborted because the exporter is stopping; the window will be exported again")
        }
        switch error {
        case let error as ExportError:
            switch error {
            case .database(let m): return .database("\(context): \(m)")
            case .network(let m): return .network("\(context): \(m)")
            case .s3(let code, let m): return .s3(code: code, message: "\(context): \(m)")
            case .encoding(let m): return .encoding("\(context): \(m)")
            case .internal(let m): return .internal("\(context): \(m)")
            case .delta(let m): return .delta("\(context): \(m)")
            default: return error.naming(connection: key.connectionID)
            }
        case let error as DatabaseError:
            return .database("\(context): \(error)")
        case is CancellationError:
            return .shutdown("\(context): the run was cancelled")
        case let error as DeltaLogError:
            return .delta("\(context): \(error)")
        case let error as DeltaCommitError:
            return .delta("\(context): \(error)")
        default:
            return .internal("\(context): \(error)")
        }
    }
}
