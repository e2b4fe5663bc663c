/// What the engine tells a ``RunObserver`` as it works.
public enum RunEvent: Sendable {
    /// How the run ended.
    public enum Result: Sendable {
        case succeeded(RunOutcome)
        case failed(ExportError)
        /// Not run: the window already succeeded, or another worker holds it.
        case skipped
    }

    /// A command is about to attempt `runs` runs in all (backfill: windows times entities), so
    /// a progress line can say "window 3 of 21". Passes of the daemon do not announce this.
    case planned(runs: Int)
    /// The run history recorded the run as `running`; the export starts.
    case started(RunKey, runID: Int64, trigger: RunTrigger)
    /// After each batch of rows is encoded and handed to the upload.
    case progressed(RunKey, runID: Int64, RunProgress)
    /// The run ended (`runID` is nil when it never started: skipped, or failed before it could
    /// be recorded). `progress` holds the final figures.
    case finished(RunKey, runID: Int64?, trigger: RunTrigger, result: Result, progress: RunProgress)
    /// A scheduler pass ended (not for dry runs).
    case passFinished(PassFigures)
}

/// The figures of one scheduler pass.
public struct PassFigures: Sendable, Hashable {
    /// Wall time of the pass, planning included.
    public var duration: Duration
    /// Published S3 connections that export (`sync_active` true and readable).
    public var activeConnections: Int
    /// Published S3 connections with `sync_active` false.
    public var inactiveConnections: Int
    /// Published S3 connections whose settings or credentials cannot be read.
    public var invalidConnections: Int

    public init(duration: Duration, activeConnections: Int, inactiveConnections: Int, invalidConnections: Int) {
        self.duration = duration
        self.activeConnections = activeConnections
        self.inactiveConnections = inactiveConnections
        self.invalidConnections = invalidConnections
    }
}
