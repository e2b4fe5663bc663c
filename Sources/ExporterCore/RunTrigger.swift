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
    /// The daemon (or `sync`) exporting again a window whose latest run failed outside the
    /// stream's sequence: a failed manual or forced re-export, a failed backfill window behind the
    /// position. Like `manual`, it never moves the stream's position.
    case retry

    /// Whether a run of this trigger is skipped when its window already succeeded: scheduled
    /// work never exports a window twice; forced, manual and `--force` backfill runs do. A retry
    /// is skipped when the window's latest finished run succeeded (another worker retried it
    /// first), not for an older success: the failure after it is what it repairs.
    public var skipsSucceededWindows: Bool {
        self == .schedule || self == .catchUp || self == .backfill
    }

    /// Whether a success of this trigger moves the stream's position (where scheduled exporting
    /// continues): every trigger but `manual` and `retry`, which export one window on request or
    /// repair one, wherever it lies.
    public var movesPosition: Bool {
        self != .manual && self != .retry
    }

    /// The `export_runs.trigger` values whose successes do not move the position, for SQL.
    public static let notMovingPosition: [String] = allCases.filter { !$0.movesPosition }.map(\.rawValue)
}
