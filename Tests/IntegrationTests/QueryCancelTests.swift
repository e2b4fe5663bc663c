import ExporterCore
import Foundation
import ExporterDatabase
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Cancellation reaches the server (issue 13): SIGTERM during a long read of the daemon stops the
/// server's query once EXPORTER_SHUTDOWN_SECONDS are over (not sooner, and not much later), by a
/// cancel request (`PQcancel`), and the run is recorded `failed` with `shutdown`.
///
/// The read is held in flight by a lock on feature_usage that the test holds throughout: the
/// server would keep the exporter's query waiting on it for ever, so only a cancel request can
/// end that query while the lock is held (closing the socket would not: a backend waiting on a
/// lock does not notice that its client went away).
@Suite(TestServices.needsServices())
struct QueryCancelTests {
    static let shutdownSeconds = 3
    /// What the cancellation may take after the grace (see the test).
    static let margin = Duration.seconds(10)

    @Test func sigtermDuringALongReadCancelsTheServersQueryAndRecordsShutdown() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let window = ExportWindow.latestDue(now: Int64(Date().timeIntervalSince1970), grace: 0, interval: .daily)
            let connection = try await services.newConnection(seed: { tenant in
                try await services.seedUsage(tenant: tenant, rows: 2000, from: window.start, every: 40)
            })
            let lock = try await TableLock.take("feature_usage", services: services)
            let daemon = try ExporterProcess(["run"], environment: [
                "DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
                "EXPORTER_TICK_SECONDS": "1", "EXPORTER_GRACE_SECONDS": "0", "EXPORTER_LOG_LEVEL": "info",
                "EXPORTER_SHUTDOWN_SECONDS": "\(Self.shutdownSeconds)",
            ])

            // The daemon's read of yesterday's window waits on the lock: the export is in flight.
            let waiter = try #require(try await lock.firstWaiter(services, whileRunning: daemon.process),
                                      "no query of the daemon waited on the lock:\n\(daemon.log)")
            #expect(waiter.query.trimmingCharacters(in: .whitespacesAndNewlines).uppercased().hasPrefix("COPY"),
                    "the read that waits is the entity COPY: \(waiter)")
            #expect(try await services.runs(connection: connection.id).map(\.status) == ["running"])

            let signalled = ContinuousClock.now
            daemon.signal(SIGTERM)
            // The deadline is only against a hang; the bound is checked on the time taken below.
            let gone = try await eventually(timeout: .seconds(Self.shutdownSeconds + 60), every: .milliseconds(50)) {
                try await lock.waiters(services).isEmpty
            }
            let took = ContinuousClock.now - signalled
            let left = try await lock.waiters(services)
            #expect(gone, "the server still runs the daemon's query: \(left)\n\(daemon.log)")
            // Not before the grace (the run was given it), and within it plus a margin: the cancel
            // request is a new connection to the server after the deadline, and this test sees the
            // query gone by polling pg_stat_activity, both slowed on a loaded machine (2 cores, the
            // other suites at once). The margin stays well under the default grace (30 s), so a
            // daemon that ignored EXPORTER_SHUTDOWN_SECONDS would fail here.
            #expect(took >= .seconds(Self.shutdownSeconds), "the query ended \(took) after SIGTERM, before the grace")
            #expect(took <= .seconds(Self.shutdownSeconds) + Self.margin,
                    "the query ended \(took) after SIGTERM; EXPORTER_SHUTDOWN_SECONDS is \(Self.shutdownSeconds)\n\(daemon.log)")
            // The lock is still held: the query did not end by getting it, only a cancel request
            // (or the server ending the session) can have ended it.
            #expect(try await lock.isHeld(services), "\(lock.log)")

            // `run` stopped by SIGTERM exits 0 (docs/cli.md), its aborted run recorded as such.
            #expect(await daemon.waitForExit(timeout: .seconds(120)) == 0, "\(daemon.log)")
            let runs = try await services.runs(connection: connection.id)
            #expect(runs.map(\.status) == ["failed"], "\(runs)\n\(daemon.log)")
            #expect(runs.first?.errorCode == "shutdown", "\(runs)")

            let released = try await lock.release()
            #expect(released == 0, "psql ended with \(released.map(String.init) ?? "no exit (timeout)"): \(lock.log)")
        }
    }
}
