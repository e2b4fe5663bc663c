import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decides whether the worker of a `running` row is provably dead, so its window need not wait
/// for a daemon's heartbeat lease to expire (an interrupted or killed `sync` has no heartbeat).
///
/// Only one case is provable: the worker (`host:pid`, as ``RunHistory/defaultWorker``) ran on
/// this host and no process with its pid exists. A worker on another host, or a name that is not
/// `host:pid`, is never judged dead here; the daemons' heartbeat lease handles those. Hosts that
/// share a hostname but not a PID namespace (containers with `--uts=host` or a fixed hostname)
/// would defeat the rule, so each must have its own hostname.
public struct WorkerLiveness: Sendable {
    /// This host's name, compared with the host part of a worker.
    public let hostName: String
    /// Whether a process with this pid exists on this host.
    public let processExists: @Sendable (Int32) -> Bool

    public init(hostName: String, processExists: @escaping @Sendable (Int32) -> Bool) {
        self.hostName = hostName
        self.processExists = processExists
    }

    /// The real check: this host's name, and `kill(pid, 0)`, which fails with ESRCH only when no
    /// such process exists (EPERM means it exists under another user: alive).
    public static let system = WorkerLiveness(hostName: ProcessInfo.processInfo.hostName) { pid in
        kill(pid, 0) == 0 || errno != ESRCH
    }

    /// True only when `worker` is `host:pid` with this host and a pid that no longer exists.
    public func isProvablyDead(_ worker: String) -> Bool {
        guard let colon = worker.lastIndex(of: ":") else { return false }
        let host = worker[..<colon]
        // pid 0 and negative pids address process groups in kill(2): never probe those.
        guard host == hostName, let pid = Int32(worker[worker.index(after: colon)...]), pid > 0 else { return false }
        return !processExists(pid)
    }
}
