import ArgumentParser

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "An environment file (KEY=value lines) with settings; the process environment wins over it.",
        valueName: "file"))
    var config: String?
}

/// Process exit codes (sysexits.h where one fits).
enum ExitCodes {
    static let runFailed = ExitCode(1)
    static let usage = ExitCode(64)
    /// A live run of another worker holds a window `sync` was asked to export (EX_TEMPFAIL).
    static let runningElsewhere = ExitCode(75)
    static let configuration = ExitCode(78)
}
