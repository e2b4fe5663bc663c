import ExporterCore
import ExporterScheduler
import Testing

/// A forced pass's runs carry the trigger of what forced it: `signal` for the daemon's SIGUSR1
/// (the default), `forced` for `sync --force` (issue 11); unforced passes are unaffected.
struct ForcedTriggerTests {
    let planner = WindowPlanner(graceSeconds: 900, catchupLimit: 31, tickSeconds: 60)
    func t(_ s: String) throws -> Int64 { try #require(Timestamp.parse(s)) }
    func day(_ s: String) throws -> ExportWindow { ExportWindow(containing: try t(s), interval: .daily) }

    @Test func syncForceRunsAreLabelledForced() throws {
        let now = try t("2026-11-25T10:00:00Z")
        let behind = ScheduleState(lastSuccessEnd: try t("2026-11-23"))
        #expect(planner.plan(interval: .daily, state: behind, now: now, forced: true, forcedTrigger: .forced) == [
            PlannedRun(window: try day("2026-11-23"), trigger: .forced),
            PlannedRun(window: try day("2026-11-24"), trigger: .forced),
        ])
        // The re-export of the latest completed window too.
        let upToDate = ScheduleState(lastSuccessEnd: try t("2026-11-25"))
        #expect(planner.plan(interval: .daily, state: upToDate, now: now, forced: true, forcedTrigger: .forced)
                == [PlannedRun(window: try day("2026-11-24"), trigger: .forced)])
    }

    @Test func theTriggerOfAnUnforcedPassIgnoresForcedTrigger() throws {
        let state = ScheduleState(lastSuccessEnd: try t("2026-11-23"))
        #expect(planner.plan(interval: .daily, state: state, now: try t("2026-11-25T10:00:00Z"), forced: false,
                             forcedTrigger: .forced).map(\.trigger) == [.catchUp, .schedule])
        #expect(RunTrigger.forced.rawValue == "forced")
    }
}
