/// What started a run (`export_runs.trigger`).
public enum RunTrigger: String, Sendable, CaseIterable {
    case schedule
    case catchUp = "catch_up"
    /// A forced pass of the daemon (SIGUSR1).
    case signal
    /// A forced pass of `sync --force`.
    case forced
    case manual
    /// `backfill`: a range of past windows, each counted as the stream's position like a
    /// scheduled one (DESIGN §6).
    case backfill

    /// Whether a run of this trigger is skipped when its window already succeeded: scheduled
    /// work never exports a window twice; forced, manual and `--force` backfill runs do.
    public var skipsSucceededWindows: Bool {
        self == .schedule || self == .catchUp || self == .backfill
    }
}
