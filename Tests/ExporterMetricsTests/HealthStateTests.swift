import ExporterCore
import ExporterMetrics
import Synchronization
import Testing

/// The `/healthz` verdict against a clock the test moves.
struct HealthStateTests {
    /// A clock that moves only when told.
    final class TestClock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ seconds: Int) { instant.withLock { $0 += .seconds(seconds) } }
    }

    static let key = RunKey(connectionID: "c1", tenantID: "t", environmentID: "e", entity: .invoice, interval: .daily,
                            window: ExportWindow(start: 0, end: 86_400))
    static let pass = RunEvent.passFinished(PassFigures(duration: .seconds(1), activeConnections: 1, inactiveConnections: 0,
                                                        invalidConnections: 0))

    @Test func startingUntilThreeTicksWithoutAPass() {
        let clock = TestClock()
        let health = HealthState(tickSeconds: 60, now: { clock.now })
        #expect(health.verdict() == HealthVerdict(healthy: true, reason: "starting"))
        clock.advance(180)
        #expect(health.verdict() == HealthVerdict(healthy: true, reason: "starting"))
        clock.advance(1)
        #expect(health.verdict() == HealthVerdict(
            healthy: false, reason: "no pass has completed in the 181 s since start, more than three ticks of 60 s"))
    }

    @Test func okWhilePassesCompleteOnTime() {
        let clock = TestClock()
        let health = HealthState(tickSeconds: 10, now: { clock.now })
        clock.advance(5)
        health.observe(Self.pass)
        #expect(health.verdict() == HealthVerdict(healthy: true, reason: "ok"))
        clock.advance(30)
        #expect(health.verdict().healthy)
        clock.advance(1)
        #expect(health.verdict() == HealthVerdict(
            healthy: false,
            reason: "the last pass completed 31 s ago, more than three ticks of 10 s, and no run reported progress within them"))
        health.observe(Self.pass)
        #expect(health.verdict() == HealthVerdict(healthy: true, reason: "ok"))
    }

    @Test func aLongPassThatReportsProgressIsOnTime() {
        let clock = TestClock()
        let health = HealthState(tickSeconds: 10, now: { clock.now })
        health.observe(Self.pass)
        health.observe(.started(Self.key, runID: 1, trigger: .schedule))
        for _ in 0..<10 {
            clock.advance(25)
            health.observe(.progressed(Self.key, runID: 1, RunProgress(rows: 1)))
            #expect(health.verdict() == HealthVerdict(healthy: true, reason: "ok"))
        }
        clock.advance(31)
        #expect(!health.verdict().healthy)
    }

    @Test func theFirstLongPassIsStartingWhileItProgresses() {
        let clock = TestClock()
        let health = HealthState(tickSeconds: 10, now: { clock.now })
        clock.advance(25)
        health.observe(.started(Self.key, runID: 1, trigger: .schedule))
        clock.advance(25)
        #expect(health.verdict() == HealthVerdict(healthy: true, reason: "starting"))
        health.observe(.finished(Self.key, runID: 1, trigger: .schedule, result: .skipped, progress: RunProgress()))
        health.observe(Self.pass)
        #expect(health.verdict() == HealthVerdict(healthy: true, reason: "ok"))
    }

    @Test func anUnreachableDatabaseIsUnhealthyUntilItAnswers() {
        let clock = TestClock()
        let health = HealthState(tickSeconds: 60, now: { clock.now })
        health.observe(Self.pass)
        health.databaseChecked(failure: "no answer within 10 seconds")
        #expect(health.verdict() == HealthVerdict(healthy: false, reason: "database unreachable: no answer within 10 seconds"))
        #expect(health.verdict().statusCode == 503)
        health.databaseChecked(failure: nil)
        #expect(health.verdict() == HealthVerdict(healthy: true, reason: "ok"))
        #expect(health.verdict().statusCode == 200)
    }

    @Test func aReloadedTickMovesTheLimit() {
        let clock = TestClock()
        let health = HealthState(tickSeconds: 60, now: { clock.now })
        health.observe(Self.pass)
        clock.advance(100)
        #expect(health.verdict().healthy)
        health.configured(tickSeconds: 30)
        #expect(!health.verdict().healthy)
    }
}
