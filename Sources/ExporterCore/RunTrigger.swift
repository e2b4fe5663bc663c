/// What started a run (`export_runs.trigger`).
public enum RunTrigger: String, Sendable, CaseIterable {
    case schedule
    case catchUp = "catch_up"
    /// A forced pass of the daemon (SIGUSR1).
    case signal
    /// A forced pass of `sync --force`.
    case forced
    case manual
}
