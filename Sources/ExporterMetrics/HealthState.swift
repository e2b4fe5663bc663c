import ExporterCore
import Synchronization

/// The daemon's health as `/healthz` reports it (DESIGN §7): healthy while passes complete on
/// time and the database answers.
///
/// It is told, never asks: pass ends and run activity arrive as ``RunObserver`` events, the
/// tick and the database's answers to the daemon's own heartbeat as ``DaemonMonitor`` calls.
/// So a health check costs no database connection (a prober polling every second cannot load
/// the database or drain the pool) and answers at once; the verdict on the database is at most
/// one heartbeat old (every min(tick, 10) s, each with a 10 s deadline).
///
/// The verdict, in order:
/// - the last database round trip failed: 503 `database unreachable: <reason>`;
/// - a pass completed within three ticks: 200 `ok`;
/// - runs reported progress within three ticks (a long pass still working): 200 `ok`, or
///   `starting` before the first pass completed;
/// - no pass has completed yet and the daemon started within three ticks: 200 `starting`;
/// - otherwise 503, saying how long ago the last pass completed (or that none did).
public final class HealthState: RunObserver, DaemonMonitor, Sendable {
    private struct State {
        var started: ContinuousClock.Instant
        var tickSeconds: Int
        var databaseFailure: String?
        var lastPassCompleted: ContinuousClock.Instant?
        var lastActivity: ContinuousClock.Instant?
    }

    private let now: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<State>

    /// - Parameter now: the clock; a parameter so tests can move time.
    public init(tickSeconds: Int, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.now = now
        self.state = Mutex(State(started: now(), tickSeconds: tickSeconds))
    }

    // MARK: Told

    public func observe(_ event: RunEvent) {
        let at = now()
        state.withLock { state in
            switch event {
            case .passFinished: state.lastPassCompleted = at
            case .started, .progressed, .finished: state.lastActivity = at
            case .planned: break
            }
        }
    }

    public func configured(tickSeconds: Int) {
        state.withLock { $0.tickSeconds = tickSeconds }
    }

    public func databaseChecked(failure: String?) {
        state.withLock { $0.databaseFailure = failure }
    }

    // MARK: Verdict

    public func verdict() -> HealthVerdict {
        let at = now()
        return state.withLock { state in
            if let failure = state.databaseFailure {
                return HealthVerdict(healthy: false, reason: "database unreachable: \(failure)")
            }
            let allowed = Duration.seconds(3 * state.tickSeconds)
            let threeTicks = "three ticks of \(state.tickSeconds) s"
            if let last = state.lastPassCompleted, at - last <= allowed {
                return HealthVerdict(healthy: true, reason: "ok")
            }
            let starting = state.lastPassCompleted == nil
            if let active = state.lastActivity, at - active <= allowed {
                return HealthVerdict(healthy: true, reason: starting ? "starting" : "ok")
            }
            if let last = state.lastPassCompleted {
                return HealthVerdict(healthy: false, reason: "the last pass completed \(Self.seconds(at - last)) s ago, "
                                     + "more than \(threeTicks), and no run reported progress within them")
            }
            if at - state.started <= allowed {
                return HealthVerdict(healthy: true, reason: "starting")
            }
            return HealthVerdict(healthy: false, reason: "no pass has completed in the \(Self.seconds(at - state.started)) s "
                                 + "since start, more than \(threeTicks)")
        }
    }

    private static func seconds(_ duration: Duration) -> Int64 {
        duration.components.seconds
    }
}
