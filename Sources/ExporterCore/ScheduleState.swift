
/// What the run history says about one (connection, entity), for planning: where scheduled
/// exporting got to and which later windows have been failing.
///
/// Only scheduled work counts (`schedule`, `catch_up`, `signal`): a manual `sync --from --to`
/// of some later window must not make the scheduler skip the windows before it.
public struct ScheduleState: Sendable, Hashable {
    /// Failed attempts of one window since the last success, for back-off.
    public struct Failures: Sendable, Hashable {
        public var count: Int
        /// When the latest failed attempt finished, seconds since the epoch.
        public var lastFinishedAt: Int64

        public init(count: Int, lastFinishedAt: Int64) {
            self.count = count
            self.lastFinishedAt = lastFinishedAt
        }
    }

    /// End of the newest window a scheduled run exported successfully; nil when none has.
    public var lastSuccessEnd: Int64?
    /// Failures of windows after `lastSuccessEnd`, keyed by window start.
    public var failures: [Int64: Failures]

    public init(lastSuccessEnd: Int64? = nil, failures: [Int64: Failures] = [:]) {
        self.lastSuccessEnd = lastSuccessEnd
        self.failures = failures
    }
}

/// A (connection, entity) pair, the unit the scheduler keeps in order.
public struct ExportStream: Sendable, Hashable {
    public let connectionID: String
    public let entity: EntityType

    public init(connectionID: String, entity: EntityType) {
        self.connectionID = connectionID
        self.entity = entity
    }
}
