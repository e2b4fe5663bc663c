/// Runs `operation`, cancelling it and throwing ``Deadline/Exceeded`` when it takes longer than
/// `duration`.
///
/// PostgresNIO queues a query until the pool has a connection; while the database is down that
/// is forever, so the daemon's start-up check and heartbeats need their own deadline to report
/// "waiting for the database" and to notice shutdown.
enum Deadline {
    struct Exceeded: Error, CustomStringConvertible {
        let duration: Duration
        var description: String { "no answer within \(duration)" }
    }

    static func run<T: Sendable>(_ duration: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: duration)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Exceeded(duration: duration) }
            return value
        }
    }
}
