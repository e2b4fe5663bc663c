import ExporterCore
import Logging
import Synchronization

/// The daemon's progress log (DESIGN §7): a run that takes longer than `interval` logs
/// `run progress` at info with its figures once `interval` has passed since it started, and again
/// every `interval` after, so a long export shows in the journal between `run started` and
/// `run finished`.
///
/// Time is the run's own elapsed time, which every progress report carries: no clock or timer of
/// its own, so tests drive it with the figures they pass. A run is only heard from after a batch,
/// so a run stuck before its first batch logs at its first batch after.
public final class ProgressLog: RunObserver {
    /// The interval of the daemon: EXPORTER_PROGRESS_LOG_SECONDS's default.
    public static let defaultInterval = Duration.seconds(30)

    private let logger: Logger
    private let interval: Duration
    /// Per running run, the elapsed time of its last progress line (zero: its start).
    private let lastLogged = Mutex([Int64: Duration]())

    public init(logger: Logger, interval: Duration = defaultInterval) {
        self.logger = logger
        self.interval = interval
    }

    public func observe(_ event: RunEvent) {
        switch event {
        case .started(_, let runID, _):
            lastLogged.withLock { $0[runID] = .zero }
        case .progressed(let key, let runID, let progress):
            let due = lastLogged.withLock { last -> Bool in
                let previous = last[runID] ?? .zero
                guard progress.elapsed - previous >= interval else { return false }
                last[runID] = progress.elapsed
                return true
            }
            guard due else { return }
            logger.info("run progress", metadata: [
                "run": "\(runID)", "connection": "\(key.connectionID)", "entity": "\(key.entity.rawValue)",
                "window": "\(key.window)", "rows": "\(progress.rows)", "bytes_read": "\(progress.bytesRead)",
                "bytes_uploaded": "\(progress.bytesUploaded)",
                "rows_per_second": "\(ProgressText.wholeRate(progress.rowsPerSecond))",
                "elapsed": "\(DurationText.seconds(progress.elapsed))",
            ])
        case .finished(_, let runID, _, _, _):
            guard let runID else { return }
            _ = lastLogged.withLock { $0.removeValue(forKey: runID) }
        case .planned, .passFinished:
            return
        }
    }
}
