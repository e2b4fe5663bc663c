import ExporterCore
import Synchronization

/// `sync`'s and `backfill`'s live progress on a terminal (DESIGN §7): one line, redrawn in place
/// (`\r` and erase-line) at most every `redrawInterval`, showing the figures of the run that
/// reported last, and "(k runs in progress)" when `sync` exports several streams at once. When a
/// run ends, its final figures replace the live line and end with a line break, so every run
/// leaves one line behind and what is printed afterwards (the reports) starts on a fresh line.
///
/// One shared line rather than one per run: several lines redrawn in place need cursor movement
/// that breaks as soon as anything else (a log line) is written, while one line only needs `\r`.
/// Log lines written to the same terminal go through ``logSink(_:)``, which clears the live line
/// first so a log line never lands in the middle of it.
///
/// The output and the clock are parameters: tests see the exact bytes and move time themselves.
public final class ProgressLine: RunObserver {
    /// The shortest time between two redraws (runs' final lines are never held back).
    public static let defaultRedrawInterval = Duration.milliseconds(100)

    private struct Run {
        var key: RunKey
        var progress = RunProgress()
        /// "window N of M", when the command announced how many runs it plans.
        var position: (index: Int, total: Int)?
    }

    private struct State {
        var planned: Int?
        /// Runs ended so far (skipped ones too: they are windows of the plan).
        var ended = 0
        var running: [Int64: Run] = [:]
        /// The run the live line shows: the one that reported last.
        var latest: Int64?
        /// A live line is on screen, without its line break.
        var shown = false
        var lastDraw: Duration?
    }

    private let state = Mutex(State())
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Duration
    private let columns: @Sendable () -> Int?
    private let redrawInterval: Duration

    /// - Parameters:
    ///   - write: writes to the terminal (standard output), unbuffered.
    ///   - now: a monotonic clock (any origin).
    ///   - columns: the terminal's width, if known: the live line is cut to fit, since a wrapped
    ///     line cannot be redrawn with `\r`.
    public init(write: @escaping @Sendable (String) -> Void, now: @escaping @Sendable () -> Duration,
                columns: @escaping @Sendable () -> Int? = { nil }, redrawInterval: Duration = defaultRedrawInterval) {
        self.write = write
        self.now = now
        self.columns = columns
        self.redrawInterval = redrawInterval
    }

    /// `\r` then ESC [2K: back to the start of the line and erase it.
    static let eraseLine = "\r\u{1B}[2K"

    public func observe(_ event: RunEvent) {
        state.withLock { state in
            switch event {
            case .planned(let runs):
                state.planned = runs
                state.ended = 0
            case .started(let key, let runID, _):
                var run = Run(key: key)
                if let total = state.planned { run.position = (state.ended + state.running.count + 1, total) }
                state.running[runID] = run
                state.latest = runID
                drawIfDue(&state)
            case .progressed(_, let runID, let progress):
                guard state.running[runID] != nil else { return }
                state.running[runID]?.progress = progress
                state.latest = runID
                drawIfDue(&state)
            case .finished(_, let runID, _, let result, let progress):
                state.ended += 1
                guard let runID, let run = state.running.removeValue(forKey: runID) else { return }
                var final = run.progress
                let outcome: String
                switch result {
                case .succeeded:
                    final = progress
                    outcome = "succeeded"
                case .failed(let error):
                    final.elapsed = max(final.elapsed, progress.elapsed)
                    outcome = "failed (\(error.code))"
                case .skipped:
                    outcome = "skipped"
                }
                // Erased even when no live line is shown (a run too quick to be drawn): every line
                // this writes starts the same way.
                var text = Self.eraseLine + ProgressText.line(run.key, final, position: run.position) + ", \(outcome)\n"
                state.shown = false
                if state.latest == runID { state.latest = state.running.keys.max() }
                // Another run still going: show it again at once.
                if let live = liveLine(state) {
                    text += Self.eraseLine + live
                    state.shown = true
                    state.lastDraw = now()
                }
                write(text)
            case .passFinished:
                return
            }
        }
    }

    /// Ends a live line still on screen with a line break, keeping its figures (a command that
    /// stops without its runs' ends, on an error, must not leave the cursor inside the line).
    public func close() {
        state.withLock { state in
            guard state.shown else { return }
            write("\n")
            state.shown = false
        }
    }

    /// Wraps the log's sink: a log line first clears the live line (the next report redraws it).
    public func logSink(_ forward: @escaping @Sendable (String) -> Void) -> @Sendable (String) -> Void {
        { [self] line in
            state.withLock { state in
                if state.shown {
                    write(Self.eraseLine)
                    state.shown = false
                    state.lastDraw = nil
                }
                forward(line)
            }
        }
    }

    private func drawIfDue(_ state: inout State) {
        let time = now()
        if let last = state.lastDraw, time - last < redrawInterval { return }
        guard let live = liveLine(state) else { return }
        write(Self.eraseLine + live)
        state.shown = true
        state.lastDraw = time
    }

    /// The live line for the latest run, cut to the terminal's width; nil when nothing runs.
    private func liveLine(_ state: State) -> String? {
        guard let latest = state.latest, let run = state.running[latest] else { return nil }
        var line = ProgressText.line(run.key, run.progress, position: run.position)
        if state.running.count > 1 { line += " (\(state.running.count) runs in progress)" }
        // One column short of the width: a line that fills it exactly wraps on some terminals.
        if let width = columns(), width > 4, line.count > width - 1 {
            line = String(line.prefix(width - 4)) + "..."
        }
        return line
    }
}
