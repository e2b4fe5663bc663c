/// The run that holds a window another worker tried to start: who, and since when, so the
/// operator can find it (`sync` prints both and exits 75).
public struct RunningElsewhere: Sendable, Hashable {
    /// The holder's `export_runs.id`.
    public let runID: Int64
    /// The holder's `host:pid`.
    public let worker: String
    /// The holder's `started_at`, RFC 3339.
    public let startedAt: String

    public init(runID: Int64, worker: String, startedAt: String) {
        self.runID = runID
        self.worker = worker
        self.startedAt = startedAt
    }
}
