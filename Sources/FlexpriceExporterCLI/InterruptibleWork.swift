import ArgumentParser
import Dispatch
import Foundation
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
enum InterruptibleWork {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "flexprice-exporter.interrupt")
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            return source
        }
        // Registration is asynchronous: wait for it, so no signal in between takes the default
        // action (termination without cleanup).
        for source in sources {
            await withCheckedContinuation { (registered: CheckedContinuation<Void, Never>) in
                source.setRegistrationHandler { registered.resume() }
                source.resume()
            }
        }
        defer {
            for source in sources { source.cancel() }
            continuation.finish()
        }

        let work = Task { try await body() }
        let listener = Task { () -> Int32? in
            var first: Int32?
            for await number in signals {
                guard first == nil else {
                    CommandRunner.printError("\(name(number)) again: exiting without waiting for the abort")
                    exit(128 + number)
                }
                first = number
                CommandRunner.printError(
                    "\(name(number)): aborting the runs in flight and recording them as failed (shutdown); send it again to exit at once")
                work.cancel()
            }
            return first
        }
        let result = await work.result
        // Ends the listener's loop (an AsyncStream stops at cancellation) and learns whether a
        // signal came.
        listener.cancel()
        if let number = await listener.value {
            CommandRunner.printError("interrupted by \(name(number)): exit \(128 + number)")
            throw ExitCode(128 + number)
        }
        return try result.get()
    }

    static func name(_ number: Int32) -> String {
        number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal \(number)"
    }
}
