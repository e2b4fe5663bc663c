import ArgumentParser
import Foundation
import UnixSignals
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command's export work so that SIGINT and SIGTERM stop it the way they stop the daemon:
/// the work's task is cancelled, which aborts the multipart uploads in flight, deletes what the
/// runs wrote and records them `failed` with `shutdown`; once the work has returned (the clients
/// shut down cleanly), the command exits 128 + the signal: 130 for SIGINT, 143 for SIGTERM.
///
/// Without this, Ctrl-C ended `sync` at once: the run stayed `running`, its upload open, and the
/// window was locked until a daemon's lease expired. A second signal during the abort exits at
/// once (the next run of the window then finds this process gone and abandons its row).
///
/// The signals come from swift-service-lifecycle's `UnixSignalsSequence`, as the daemon's do: it
/// turns off their default action and is registered before this returns from `init`, so no
/// signal in between ends the process without the cleanup.
enum InterruptibleWork {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let work = Task { try await body() }
        let listener = Task { () -> UnixSignal? in
            var first: UnixSignal?
            for await signal in signals {
                guard let first else {
                    first = signal
                    CommandRunner.printError(
                        "\(name(signal)): aborting the runs in flight and recording them as failed (shutdown); send it again to exit at once")
                    work.cancel()
                    continue
                }
                CommandRunner.printError("\(name(signal)) again: exiting without waiting for the abort")
                exit(128 + first.rawValue)
            }
            return first
        }
        let result = await work.result
        // Ends the listener's loop (the sequence finishes at cancellation) and learns whether a
        // signal came.
        listener.cancel()
        if let signal = await listener.value {
            CommandRunner.printError("interrupted by \(name(signal)): exit \(128 + signal.rawValue)")
            throw ExitCode(128 + signal.rawValue)
        }
        return try result.get()
    }

    static func name(_ signal: UnixSignal) -> String {
        signal == .sigint ? "SIGINT" : signal == .sigterm ? "SIGTERM" : "\(signal)"
    }
}
