import ExporterCore
import ExporterScheduler
import Testing

/// Planning (DESIGN §4) with exact windows: catch-up, limits, grace, first run, back-off, forced passes.
struct WindowPlannerTests {
    let planner = WindowPlanner(graceSeconds: 900, catchupLimit: 31, tickSeconds: 60)
    func t(_ s: String) throws -> Int64 { try #require(Timestamp.parse(s)) }
    func day(_ s: String) throws -> ExportWindow { ExportWindow(containing: try t(s), interval: .daily) }

    @Test func firstRunExportsOnlyTheLatestDueWindow() throws {
        let runs = planner.plan(interval: .daily, state: ScheduleState(), now: try t("2026-11-25T10:00:00Z"), forced: false)
        #expect(runs == [PlannedRun(window: try day("2026-11-24"), trigger: .schedule)])
    }

    @Test func graceDelaysTheWindow() throws {
        let state = ScheduleState(lastSuccessEnd: try t("2026-11-24"))
        #expect(planner.plan(interval: .daily, state: state, now: try t("2026-11-25T00:14:59Z"), forced: false).isEmpty)
        #expect(planner.plan(interval: .daily, state: state, now: try t("2026-11-25T00:15:00Z"), forced: false)
                == [PlannedRun(window: try day("2026-11-24"), trigger: .schedule)])
    }

    @Test func missedWindowsAreCaughtUpOldestFirst() throws {
        let state = ScheduleState(lastSuccessEnd: try t("2026-11-21"))
        let runs = planner.plan(interval: .daily, state: state, now: try t("2026-11-24T12:00:00Z"), forced: false)
        #expect(runs == [
            PlannedRun(window: try day("2026-11-21"), trigger: .catchUp),
            PlannedRun(window: try day("2026-11-22"), trigger: .catchUp),
            PlannedRun(window: try day("2026-11-23"), trigger: .schedule),
        ])
    }

    @Test func catchUpIsLimitedPerPass() throws {
        let limited = WindowPlanner(graceSeconds: 0, catchupLimit: 2, tickSeconds: 60)
        let state = ScheduleState(lastSuccessEnd: try t("2026-11-01"))
        let runs = limited.plan(interval: .daily, state: state, now: try t("2026-11-25T12:00:00Z"), forced: false)
        #expect(runs.map(\.window) == [try day("2026-11-01"), try day("2026-11-02")])
        #expect(runs.map(\.trigger) == [.catchUp, .catchUp])
    }

    @Test func weeklyAndMonthlyUseTheirWindows() throws {
        let now = try t("2027-01-06T09:00:00Z") // a Wednesday
        #expect(planner.plan(interval: .weekly, state: ScheduleState(), now: now, forced: false).map(\.window)
                == [ExportWindow(start: try t("2026-12-28"), end: try t("2027-01-04"))])
        #expect(planner.plan(interval: .monthly, state: ScheduleState(), now: now, forced: false).map(\.window)
                == [ExportWindow(start: try t("2026-12-01"), end: try t("2027-01-01"))])
    }

    @Test func aFailedWindowWaitsForItsBackoffAndHoldsBackLaterWindows() throws {
        let failedAt = try t("2026-11-25T10:00:00Z")
        let state = ScheduleState(lastSuccessEnd: try t("2026-11-23"),
                                  failing: [try day("2026-11-23"): .init(count: 3, lastFinishedAt: failedAt)])
        // Third failure: 60 << 2 = 240 s.
        #expect(planner.backoffSeconds(failures: 3) == 240)
        #expect(planner.plan(interval: .daily, state: state, now: failedAt + 239, forced: false).isEmpty)
        #expect(planner.plan(interval: .daily, state: state, now: failedAt + 240, forced: false).map(\.window)
                == [try day("2026-11-23"), try day("2026-11-24")])
        // A forced pass does not wait.
        #expect(planner.plan(interval: .daily, state: state, now: failedAt + 1, forced: true).count == 2)
    }

    @Test func backoffDoublesAndIsCapped() {
        #expect((1...8).map { planner.backoffSeconds(failures: $0) } == [60, 120, 240, 480, 960, 1920, 3600, 3600])
        #expect(planner.backoffSeconds(failures: 0) == 0)
    }

    @Test func aForcedPassReExportsTheLatestCompletedWindow() throws {
        let state = ScheduleState(lastSuccessEnd: try t("2026-11-25"))
        let now = try t("2026-11-25T10:00:00Z")
        #expect(planner.plan(interval: .daily, state: state, now: now, forced: false).isEmpty)
        #expect(planner.plan(interval: .daily, state: state, now: now, forced: true)
                == [PlannedRun(window: try day("2026-11-24"), trigger: .signal)])
    }

    @Test func aForcedPassRunsDueWindowsAsSignal() throws {
        let state = ScheduleState(lastSuccessEnd: try t("2026-11-23"))
        let runs = planner.plan(interval: .daily, state: state, now: try t("2026-11-25T10:00:00Z"), forced: true)
        #expect(runs == [
            PlannedRun(window: try day("2026-11-23"), trigger: .signal),
            PlannedRun(window: try day("2026-11-24"), trigger: .signal),
        ])
    }

    // MARK: failing windows outside the sequence (a failed re-export loses nothing)

    /// A delivered window re-exported by hand (or by SIGUSR1) whose re-export failed: it is behind
    /// the position, so the sequence never reaches it again; it is retried on its own after its
    /// back-off, before the sequence, and the sequence goes on.
    @Test func aFailedReExportBehindThePositionIsRetriedAfterItsBackoff() throws {
        let failedAt = try t("2026-11-25T10:00:00Z")
        let state = ScheduleState(lastSuccessEnd: try t("2026-11-25"),
                                  failing: [try day("2026-11-20"): .init(count: 1, lastFinishedAt: failedAt)])
        #expect(planner.plan(interval: .daily, state: state, now: failedAt + 59, forced: false).isEmpty)
        #expect(planner.plan(interval: .daily, state: state, now: failedAt + 60, forced: false)
                == [PlannedRun(window: try day("2026-11-20"), trigger: .retry)])
        // The next day: the retry first, then the sequence's new window.
        let nextDay = try t("2026-11-26T01:00:00Z")
        #expect(planner.plan(interval: .daily, state: state, now: nextDay, forced: false) == [
            PlannedRun(window: try day("2026-11-20"), trigger: .retry),
            PlannedRun(window: try day("2026-11-25"), trigger: .schedule),
        ])
        // A forced pass does not wait for the back-off, and also re-exports the latest window.
        #expect(planner.plan(interval: .daily, state: state, now: failedAt + 1, forced: true) == [
            PlannedRun(window: try day("2026-11-20"), trigger: .retry),
            PlannedRun(window: try day("2026-11-24"), trigger: .signal),
        ])
    }

    /// A stream with no success yet runs only its latest due window; a window of it that failed
    /// on an earlier day is not forgotten when the day turns.
    @Test func aNewStreamsFailedWindowIsRetriedAfterTheDayTurns() throws {
        let state = ScheduleState(failing: [try day("2026-11-23"): .init(count: 2, lastFinishedAt: try t("2026-11-24T09:00:00Z"))])
        #expect(planner.plan(interval: .daily, state: state, now: try t("2026-11-25T10:00:00Z"), forced: false) == [
            PlannedRun(window: try day("2026-11-23"), trigger: .retry),
            PlannedRun(window: try day("2026-11-24"), trigger: .schedule),
        ])
    }

    /// A failed manual window that is not aligned to the interval, or lies ahead of the latest
    /// due window, is retried as it was asked for; one the sequence will reach is left to it.
    @Test func unalignedAndFutureFailuresAreRetriedAndSequenceFailuresAreNot() throws {
        let now = try t("2026-11-25T10:00:00Z")
        let unaligned = ExportWindow(start: try t("2026-11-10T06:00:00Z"), end: try t("2026-11-12T06:00:00Z"))
        let today = try day("2026-11-25")
        let ahead = try day("2026-11-24") // due, but past a catch-up limit that ends at 11-22
        let limited = WindowPlanner(graceSeconds: 900, catchupLimit: 2, tickSeconds: 60)
        let failedAt = now - 7_200
        let state = ScheduleState(lastSuccessEnd: try t("2026-11-21"), failing: [
            unaligned: .init(count: 1, lastFinishedAt: failedAt),
            today: .init(count: 1, lastFinishedAt: failedAt),
            ahead: .init(count: 1, lastFinishedAt: failedAt),
        ])
        #expect(limited.plan(interval: .daily, state: state, now: now, forced: false) == [
            PlannedRun(window: unaligned, trigger: .retry),
            PlannedRun(window: today, trigger: .retry),
            PlannedRun(window: try day("2026-11-21"), trigger: .catchUp),
            PlannedRun(window: try day("2026-11-22"), trigger: .catchUp),
        ])
    }

    /// At most `catchupLimit` retries per pass, oldest first.
    @Test func retriesAreLimitedPerPassOldestFirst() throws {
        let limited = WindowPlanner(graceSeconds: 0, catchupLimit: 2, tickSeconds: 60)
        let now = try t("2026-11-25T12:00:00Z")
        var failing: [ExportWindow: ScheduleState.Failures] = [:]
        for date in ["2026-11-03", "2026-11-01", "2026-11-02"] {
            failing[try day(date)] = .init(count: 1, lastFinishedAt: now - 3_600)
        }
        let runs = limited.plan(interval: .daily, state: ScheduleState(lastSuccessEnd: try t("2026-11-25"), failing: failing),
                                now: now, forced: false)
        #expect(runs == [PlannedRun(window: try day("2026-11-01"), trigger: .retry),
                         PlannedRun(window: try day("2026-11-02"), trigger: .retry)])
    }

    @Test func retryNeverMovesThePosition() {
        #expect(!RunTrigger.retry.movesPosition)
        #expect(!RunTrigger.manual.movesPosition)
        #expect(RunTrigger.allCases.filter(\.movesPosition) == [.schedule, .catchUp, .signal, .forced, .backfill])
        #expect(RunTrigger.notMovingPosition == ["manual", "retry"])
        #expect(!RunTrigger.retry.skipsSucceededWindows)
    }
}
