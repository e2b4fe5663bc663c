import ExporterCore


/// One export the scheduler wants run.
public struct PlannedRun: Sendable, Hashable {
    public let window: ExportWindow
    public let trigger: RunTrigger

    public init(window: ExportWindow, trigger: RunTrigger) {
        self.window = window
        self.trigger = trigger
    }
}

/// Decides which windows of one (connection, entity) a pass runs (DESIGN §4). Pure: the clock
/// and the history are parameters, so tests compare exact windows.
///
/// - A window is due once `now >= end + grace`.
/// - Every due window after the last scheduled success runs, oldest first, at most
///   `catchupLimit` per pass; with no success yet, only the latest due window (no backfill of
///   history nobody asked for).
/// - A window that failed is retried on later passes after a back-off that doubles with each
///   failure (one tick, two, four, ... capped at an hour); while it waits, the windows after it
///   wait too, so nothing is exported out of order and no gap is left behind.
/// - A window whose latest run failed is failing until a run of it succeeds, whatever started
///   the failed run: one outside the stream's sequence (a failed `sync --from --to` or forced
///   re-export of a window that had been delivered, a failed backfill behind the position, an
///   older window of a stream that had no success yet) is retried on its own (trigger `retry`)
///   after its own back-off, at most `catchupLimit` such windows per pass, oldest first, before
///   the stream's sequence. A failed re-export leaves its window absent from the bucket, so
///   forgetting it would lose delivered data.
/// - A forced pass (SIGUSR1, `sync --force`) ignores the back-off and also re-exports the
///   latest due window when it had already succeeded.
public struct WindowPlanner: Sendable {
    public var graceSeconds: Int64
    public var catchupLimit: Int
    public var tickSeconds: Int64
    public var maxBackoffSeconds: Int64 = 3_600

    public init(graceSeconds: Int64, catchupLimit: Int, tickSeconds: Int64) {
        self.graceSeconds = graceSeconds
        self.catchupLimit = max(1, catchupLimit)
        self.tickSeconds = max(1, tickSeconds)
    }

    /// Seconds to wait after the `failures`-th consecutive failure of a window.
    public func backoffSeconds(failures: Int) -> Int64 {
        guard failures > 0 else { return 0 }
        let doublings = Int64(min(failures - 1, 20))
        return min(maxBackoffSeconds, tickSeconds << doublings)
    }

    /// The runs for one (connection, entity): retries of failing windows outside the sequence
    /// (oldest first), then the sequence (oldest first). A caller stops the sequence at its first
    /// failure; a failed retry stops nothing (each failing window backs off on its own).
    /// - Parameter forcedTrigger: what a forced pass's runs are recorded as: `signal` for the
    ///   daemon's SIGUSR1, `forced` for `sync --force`.
    public func plan(interval: SyncInterval, state: ScheduleState, now: Int64, forced: Bool,
                     forcedTrigger: RunTrigger = .signal) -> [PlannedRun] {
        let latest = ExportWindow.latestDue(now: now, grace: graceSeconds, interval: interval)
        var windows: [ExportWindow] = []
        if let end = state.lastSuccessEnd {
            var window = ExportWindow(containing: end, interval: interval)
            while window.end <= latest.end, windows.count < catchupLimit {
                windows.append(window)
                window = window.next(interval)
            }
        } else {
            windows = [latest]
        }
        if !forced, let first = windows.first, let failures = state.failing[first], waiting(failures, now: now) {
            windows = []
        }
        var runs = windows.map { window in
            PlannedRun(window: window, trigger: forced ? forcedTrigger : (window == latest ? .schedule : .catchUp))
        }
        if forced, !windows.contains(latest), let end = state.lastSuccessEnd, end >= latest.end {
            runs.append(PlannedRun(window: latest, trigger: forcedTrigger))
        }
        let retries = state.failing
            .filter { window, failures in
                !inSequence(window, state: state, latest: latest, interval: interval)
                    && !runs.contains { $0.window == window } && (forced || !waiting(failures, now: now))
            }
            .keys.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
            .prefix(catchupLimit)
            .map { PlannedRun(window: $0, trigger: .retry) }
        return retries + runs
    }

    /// Whether the stream's sequence runs `window` in this pass or a later one: an aligned window
    /// from the position on, up to the latest due one. Its failures hold the sequence back
    /// (and are retried by it), so it is no separate retry.
    private func inSequence(_ window: ExportWindow, state: ScheduleState, latest: ExportWindow,
                            interval: SyncInterval) -> Bool {
        guard let end = state.lastSuccessEnd else { return window == latest }
        return ExportWindow(containing: window.start, interval: interval) == window
            && window.start >= ExportWindow(containing: end, interval: interval).start && window.end <= latest.end
    }

    /// Whether a window with `failures` is still backing off at `now`.
    private func waiting(_ failures: ScheduleState.Failures, now: Int64) -> Bool {
        now < failures.lastFinishedAt + backoffSeconds(failures: failures.count)
    }
}
