/// Where one (connection, entity) stream stands, as the run history says: the source of the
/// `last_success_window_end_seconds`, `windows_behind` and `failing_windows` gauges.
///
/// Read from the database (not counted from events) so a restarted daemon reports the true
/// position at once, and a backfill or `sync` by another process shows up after the next pass.
public struct StreamPosition: Sendable, Hashable {
    public var connectionID: String
    public var entity: String
    /// End of the last succeeded window, Unix seconds; nil before the first success.
    public var lastSuccessWindowEnd: Int64?
    /// Due windows after the last success that have not succeeded yet.
    public var windowsBehind: Int
    /// Windows whose latest run failed, wherever they lie (a failed re-export of a delivered
    /// window counts until a run of it succeeds).
    public var failingWindows: Int
    /// The stream's Delta table version (`table_format: delta`); nil for plain files.
    public var deltaTableVersion: Int64?

    public init(connectionID: String, entity: String, lastSuccessWindowEnd: Int64?, windowsBehind: Int,
                failingWindows: Int = 0, deltaTableVersion: Int64? = nil) {
        self.connectionID = connectionID
        self.entity = entity
        self.lastSuccessWindowEnd = lastSuccessWindowEnd
        self.windowsBehind = windowsBehind
        self.failingWindows = failingWindows
        self.deltaTableVersion = deltaTableVersion
    }
}
