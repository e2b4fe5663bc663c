import Foundation

/// A thread of its own that runs one connection's libpq calls, one after another.
///
/// libpq blocks the calling thread (connecting, waiting for a result, reading COPY data), and a
/// blocked thread of Swift's cooperative pool stalls every task scheduled on it. So each
/// connection owns one thread; callers `await` ``run(_:)`` and their task is suspended, not
/// blocked. Jobs run in submission order, which also serialises the use of the connection.
final class BlockingThread: @unchecked Sendable {
    /// Guards `jobs` and `isStopped`; the thread waits on it when there is nothing to do.
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var isStopped = false

    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on this thread and returns its result to the awaiting task.
    /// - Throws: what `body` throws; ``DatabaseError`` (closed) when the thread has stopped.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = submit {
                continuation.resume(with: Result { try body() })
            }
            if !accepted {
                continuation.resume(throwing: DatabaseError(kind: .connectionClosed, message: "the connection is closed"))
            }
        }
    }

    /// Runs `job` on this thread without waiting for it (cleanup from a `deinit`).
    func submitDetached(_ job: @escaping @Sendable () -> Void) {
        _ = submit(job)
    }

    /// Ends the thread once the jobs already submitted have run.
    func stop() {
        condition.lock()
        isStopped = true
        condition.signal()
        condition.unlock()
    }

    private func submit(_ job: @escaping () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isStopped else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !isStopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job() }
        }
    }
}
