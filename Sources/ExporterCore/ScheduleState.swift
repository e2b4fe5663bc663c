/// What the run history says about one (connection, entity), for planning: where scheduled
/// exporting got to, and which windows are failing.
///
/// Only scheduled work moves the position (`schedule`, `catch_up`, `signal`, `forced`,
/// `backfill`): a manual `sync --from --to` of some later window must not make the scheduler skip
/// the windows before it. Failures are another matter: a window whose latest run failed, whatever
/// started that run, is failing until a run of it succeeds, because a failed run leaves the window
/// absent from the bucket (its old objects were replaced or removed).
public struct ScheduleState: Sendable, Hashable {
    /// The failed attempts of one window since its last success, for back-off.
    public struct Failures: Sendable, Hashable {
        /// Failed runs since the window's last success (an abandoned run does not count: its
        /// worker stopped, the window did not fail).
        public var count: Int
        /// When the latest failed or abandoned attempt finished, seconds since the epoch.
        public var lastFinishedAt: Int64

        public init(count: Int, lastFinishedAt: Int64) {
            self.count = count
            self.lastFinishedAt = lastFinishedAt
        }
    }

    /// End of the newest window a scheduled run exported successfully; nil when none has.
    public var lastSuccessEnd: Int64?
    /// Every window whose latest finished run failed or was abandoned, with its failures.
    public var failing: [ExportWindow: Failures]

    public init(lastSuccessEnd: Int64? = nil, failing: [ExportWindow: Failures] = [:]) {
        self.lastSuccessEnd = lastSuccessEnd
        self.failing = failing
    }
}

/// A (connection, entity) pair, or a FlexPrice scheduled task of a connection: the unit the
/// scheduler keeps in order, with its own position and its own `running` rows.
public struct ExportStream: Sendable, Hashable {
    public let connectionID: String
    public let entity: EntityType
    /// FlexPrice's `scheduled_tasks.id`; nil for a stream of the connection's own `sync_config`.
    public let scheduledTaskID: String?

    public init(connectionID: String, entity: EntityType, scheduledTaskID: String? = nil) {
        self.connectionID = connectionID
        self.entity = entity
        self.scheduledTaskID = scheduledTaskID
    }

    /// How the metrics and `check` name the stream's connection: its id, or `id/task` for a
    /// scheduled task's stream, so a task and the connection's own stream of the same entity are
    /// two series, never one.
    public static func label(connectionID: String, scheduledTaskID: String?) -> String {
        scheduledTaskID.map { "\(connectionID)/\($0)" } ?? connectionID
    }
}
