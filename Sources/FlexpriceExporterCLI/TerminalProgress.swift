import ExporterCore
import ExporterProgress
import ExporterSystem

/// The live progress line of `sync` and `backfill` (DESIGN §7): drawn on standard output only
/// when it is a terminal and `--quiet` is not given, so a pipe, a file or cron's mail gets the
/// reports alone.
enum TerminalProgress {
    static func line(quiet: Bool) -> ProgressLine? {
        guard !quiet, StandardOutput.isTerminal else { return nil }
        let clock = ContinuousClock()
        let origin = clock.now
        return ProgressLine(write: StandardOutput.sink, now: { clock.now - origin }, columns: StandardOutput.columns)
    }

    /// The engine's observer: the line, or nobody.
    static func observer(_ line: ProgressLine?) -> any RunObserver {
        if let line { return line }
        return RunObservers([])
    }

    /// Where log lines go: through the progress line when there is one, so it is cleared first.
    static func logSink(_ line: ProgressLine?) -> @Sendable (String) -> Void {
        line?.logSink(StandardError.sink) ?? StandardError.sink
    }
}
