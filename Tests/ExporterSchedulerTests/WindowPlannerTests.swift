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
                                  failures: [try t("2026-11-23"): .init(count: 3, lastFinishedAt: failedAt)])
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
}
