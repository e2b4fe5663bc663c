import ExporterRunHistory
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The dead-worker rule (issue 11): a `running` row's worker is provably dead only when it ran on
/// this host and its pid no longer exists. No services needed.
struct WorkerLivenessTests {
    /// A liveness on host "here" whose only living pid is 100; it records every pid it probes.
    final class Probe: Sendable {
        let probed = Mutex<[Int32]>([])
        var liveness: WorkerLiveness {
            WorkerLiveness(hostName: "here") { pid in
                self.probed.withLock { $0.append(pid) }
                return pid == 100
            }
        }
    }

    @Test func sameHostAndAPidThatIsGoneIsDead() {
        let probe = Probe()
        #expect(probe.liveness.isProvablyDead("here:4242"))
        #expect(!probe.liveness.isProvablyDead("here:100"), "a living pid on this host is alive")
        #expect(probe.probed.withLock { $0 } == [4242, 100])
    }

    @Test(arguments: ["there:4242", "there:100", "here.example.com:4242", "HERE:4242", "other-host:1"])
    func aWorkerOnAnotherHostIsNeverDead(worker: String) {
        let probe = Probe()
        #expect(!probe.liveness.isProvablyDead(worker))
        #expect(probe.probed.withLock { $0 }.isEmpty, "no pid of another host is probed here")
    }

    @Test(arguments: ["w", "earlier-daemon", "here", "here:", "here:abc", "here:0", "here:-1", "here:99999999999", ":4242"])
    func aWorkerThatIsNotHostColonPidIsNeverDead(worker: String) {
        let probe = Probe()
        #expect(!probe.liveness.isProvablyDead(worker))
        // kill(0, …) and kill(-1, …) address process groups: such pids are never probed.
        #expect(probe.probed.withLock { $0 }.allSatisfy { $0 > 0 })
    }

    @Test func theSystemCheckUsesThisHostAndKill() throws {
        let host = ProcessInfo.processInfo.hostName
        #expect(WorkerLiveness.system.hostName == host)
        #expect(!WorkerLiveness.system.isProvablyDead("\(host):\(getpid())"), "this process is alive")
        #expect(!WorkerLiveness.system.isProvablyDead("\(host):1"), "pid 1 exists (EPERM is alive, not dead)")
        let pidMax = try #require(Int32(try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(WorkerLiveness.system.isProvablyDead("\(host):\(pidMax + 1)"), "no process can have a pid above pid_max")
        #expect(!WorkerLiveness.system.isProvablyDead("some-other-host:\(pidMax + 1)"))
    }
}
