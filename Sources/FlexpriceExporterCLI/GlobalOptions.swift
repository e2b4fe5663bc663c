import ArgumentParser

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A settings file (KEY=value lines, as systemd's EnvironmentFile=); the process environment wins over it.",
        valueName: "file"))
    var config: String?
}

/// Process exit codes (sysexits.h where one fits).
enum ExitCodes {
    /// A run failed (or a `check` step did).
    static let runFailed = ExitCode(1)
    /// Bad arguments, an unknown `--connection` id, empty `encrypt-secret` input (EX_USAGE).
    static let usage = ExitCode(64)
    /// The database is down, unreachable or refuses the session (EX_UNAVAILABLE).
    static let unavailable = ExitCode(69)
    /// A live run of another worker holds a window `sync` was asked to export (EX_TEMPFAIL).
    static let runningElsewhere = ExitCode(75)
    /// A setting is missing or malformed, or the exporter's tables need `migrate` (EX_CONFIG).
    static let configuration = ExitCode(78)
}
