import Logging

extension RunHistory {
    /// How often a worker beats: often enough that a stopped one is noticed within three beats
    /// (the lease other daemons give it), and no more than every 10 s.
    public static func heartbeatSeconds(tick: Int) -> Int { max(1, min(tick, 10)) }

    /// Runs `body` while this worker keeps a heartbeat in `exporter_workers`, then removes it.
    ///
    /// A daemon marks the `running` rows of workers without a fresh heartbeat `abandoned` and
    /// exports their windows again. A one-shot `sync` that did not beat would have its live runs
    /// taken from it after three of a daemon's beats: the daemon would export the window a second
    /// time while `sync` was still uploading it. So every process that starts runs beats.
    /// A beat that fails (a database hiccup) is logged and retried on the next one; it does not
    /// fail the work.
    public func keepingAlive<T: Sendable>(every interval: Duration,
                                          _ body: @Sendable @escaping () async throws -> T) async throws -> T {
        do {
            try await heartbeat()
        } catch {
            logger.warning("worker heartbeat failed", metadata: ["error": "\(error)"])
        }
        let result: Result<T, any Error> = await withTaskGroup(of: Result<T, any Error>?.self) { group in
            group.addTask { [self] in
                while (try? await Task.sleep(for: interval)) != nil {
                    do {
                        try await heartbeat()
                    } catch {
                        logger.warning("worker heartbeat failed", metadata: ["error": "\(error)"])
                    }
                }
                return nil
            }
            group.addTask {
                do { return .success(try await body()) } catch { return .failure(error) }
            }
            var outcome: Result<T, any Error> = .failure(CancellationError())
            for await finished in group {
                guard let finished else { continue }
                outcome = finished
                group.cancelAll()
            }
            return outcome
        }
        // Also after a cancellation (SIGINT): an unstructured task does not inherit it.
        let history = self
        do {
            try await Task { try await history.unregister() }.value
        } catch {
            logger.warning("removing the worker heartbeat failed", metadata: ["error": "\(error)"])
        }
        return try result.get()
    }
}
