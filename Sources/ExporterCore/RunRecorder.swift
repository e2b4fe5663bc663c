/// Where the engine records each run's life: `running`, then `succeeded` or `failed`.
///
/// The engine knows runs only through this seam: `export_runs` (ExporterRunHistory's
/// `RunHistory`) is the implementation; a test's fake records the same calls without the engine
/// changing. The mirror into FlexPrice's own `tasks` table is not a second recorder but part of
/// `RunHistory` (its `FlexpriceTasks`), because each task must change in the same transaction as
/// its `export_runs` row.
public protocol RunRecorder: Sendable {
    /// Records a run of `key` as started, unless another live run holds the window or, with
    /// `skipIfSucceeded`, the window already succeeded.
    func begin(_ key: RunKey, trigger: RunTrigger, skipIfSucceeded: Bool) async throws -> RunStart
    /// Records run `id` of `key` as succeeded with its figures.
    func succeed(_ id: Int64, of key: RunKey, _ outcome: RunOutcome) async throws
    /// Records run `id` as failed with `error`'s code and message.
    func fail(_ id: Int64, _ error: ExportError) async throws
}

extension RunRecorder {
    /// Starts a run, skipping a succeeded window when the trigger says so (``RunTrigger/skipsSucceededWindows``).
    public func begin(_ key: RunKey, trigger: RunTrigger) async throws -> RunStart {
        try await begin(key, trigger: trigger, skipIfSucceeded: trigger.skipsSucceededWindows)
    }

}
