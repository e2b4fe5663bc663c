import DeltaLake
import ExporterCore
import ExporterEngine
import ExporterSink
import Foundation
import NIOCore
import Synchronization
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A Delta commit is applied exactly once, whatever happens around it: a run that dies between
/// its data and its commit leaves nothing the table names (its files are gone after the window's
/// next run), a writer that takes the next version first makes ours the version after, and a
/// commit whose answer was lost is found in the log and never written twice.
@Suite(TestServices.needsServices(),
       .enabled(if: ReaderPython.shouldRun, "no reader venv: run scripts/install-parquet-readers.sh"))
struct DeltaCommitRaceTests {
    typealias T = DeltaTableTests

    static func backfill(_ engine: ExportEngine, _ c: TestConnection, days: ClosedRange<Int64>, force: Bool = false) async throws -> [RunReport] {
        try await engine.backfill(connectionID: c.id, entities: nil, from: T.first + (days.lowerBound - 1) * T.day,
                                  to: T.first + days.upperBound * T.day, now: T.first + 20 * T.day, graceSeconds: 0,
                                  force: force, dryRun: false)
    }

    static func log(_ services: Services, _ c: TestConnection) async throws -> [String] {
        try await services.s3(bucket: c.bucket).listObjects(prefix: T.logPrefix).map { String($0.dropFirst(T.logPrefix.count)) }
    }

    @Test func aRunThatDiedBeforeItsCommitLeavesNothingTheTableNames() async throws {
        try await TestServices.with { services in
            let c = try await T.connection(services, days: 3)
            try await withScratchDirectory { directory in
                #expect(T.succeeded(try await Self.backfill(services.parquetEngine(), c, days: 1...2)))
                let before = try await T.postgresRows(services, tenant: c.tenant, to: T.first + 2 * T.day)

                // The second day changes in PostgreSQL and its re-export dies after uploading its
                // file, before its commit: as after kill -9, nothing of it is cleaned up.
                try await services.execute("""
                    UPDATE feature_usage SET qty_total = qty_total + 100 WHERE tenant_id = \(c.tenant)
                      AND "timestamp" >= to_timestamp(\(T.first + T.day)) AND "timestamp" < to_timestamp(\(T.first + 2 * T.day))
                    """)
                let dead = try await Self.backfill(services.engine(wrapping: { DyingAtCommitSink(inner: $0) }), c, days: 2...2, force: true)
                #expect(dead.count == 1 && dead.allSatisfy(\.failed), "\(dead)")
                let s3 = try services.s3(bucket: c.bucket)
                let deadRun = try #require(try await services.runs(connection: c.id).last)
                let orphans = try await s3.listObjects(prefix: T.root).filter { $0.contains("_run-\(deadRun.id)") }
                #expect(orphans.count == 1, "the dead run's file is still in the bucket: \(orphans)")
                #expect(try await Self.log(services, c) == [DeltaLogPath.commitName(0), DeltaLogPath.commitName(1)])

                // The table is as before the dead run: its file is in the folder but not in the table.
                let table = try await T.download(services, bucket: c.bucket, into: directory)
                let read = try T.read(table, in: directory)
                for reader in ["deltalake", "duckdb", "polars"] {
                    #expect(T.rows(read[reader] as? [String: Any]) == before, "\(reader)")
                }
                #expect(((read["deltalake"] as? [String: Any])?["files"] as? [String] ?? []).allSatisfy { !$0.contains("_run-\(deadRun.id)") })

                // Vacuum (no retention) would delete the dead run's file, but never while its run
                // is still running: its commit may yet come.
                let engine = services.parquetEngine()
                try await services.execute("UPDATE export_runs SET status = 'running' WHERE id = \(deadRun.id)")
                let whileRunning = try await engine.vacuumDeltaTables(connectionID: c.id, retentionHours: 0, dryRun: true)
                #expect((try? whileRunning.first?.get())?.deleted == [])
                try await services.execute("UPDATE export_runs SET status = 'failed' WHERE id = \(deadRun.id)")
                let afterDeath = try await engine.vacuumDeltaTables(connectionID: c.id, retentionHours: 0, dryRun: true)
                #expect((try? afterDeath.first?.get())?.deleted == orphans)

                // The window's next run deletes the dead run's file and commits the new rows.
                #expect(T.succeeded(try await Self.backfill(services.parquetEngine(), c, days: 2...2, force: true)))
                #expect(try await s3.listObjects(prefix: T.root).filter { $0.contains("_run-\(deadRun.id)") }.isEmpty)
                let after = try T.read(try await T.download(services, bucket: c.bucket, into: directory), in: directory)
                let expected = try await T.postgresRows(services, tenant: c.tenant, to: T.first + 2 * T.day)
                for reader in ["deltalake", "duckdb", "polars"] {
                    #expect(T.rows(after[reader] as? [String: Any]) == expected, "\(reader)")
                }
            }
        }
    }

    /// The real thing: `sync` killed with SIGKILL while its commit is on the wire (the proxy holds
    /// the PUT of `_delta_log/…json` unanswered). Nothing of the window reaches the table; its file
    /// is left in the bucket; once the dead run is abandoned, the window's next run deletes that
    /// file and commits, and the readers see PostgreSQL's rows, each window once.
    @Test func aSyncKilledDuringItsCommitLeavesTheTableAsItWas() async throws {
        try await TestServices.with { services in
            try await services.withProxy { proxy, url in
                let c = try await T.connection(services, days: 2, endpoint: url)
                let environment = WarehouseSchemaTests().environment(services)
                let day1 = try await ExporterCommand.run(["sync", "--connection", c.id, "--from", "2026-11-01", "--to", "2026-11-02"],
                                                         environment: environment)
                #expect(day1.status == 0, "\(day1.stderr)")
                let before = try await T.postgresRows(services, tenant: c.tenant, to: T.first + T.day)

                proxy.hang(requestsContaining: "/_delta_log/00000000000000000001.json")
                let sync = try ExporterProcess(["sync", "--connection", c.id, "--from", "2026-11-02", "--to", "2026-11-03"],
                                               environment: environment)
                let committing = try await eventually(timeout: .seconds(120)) {
                    proxy.requests.contains { $0.hasPrefix("PUT ") && $0.contains("/_delta_log/00000000000000000001.json") }
                }
                #expect(committing, "the sync never sent its commit:\n\(sync.log)")
                sync.signal(SIGKILL)
                _ = await sync.waitForExit()

                let runs = try await services.runs(connection: c.id)
                #expect(runs.map(\.status) == ["succeeded", "running"], "\(runs.map(\.status))")
                let dead = try #require(runs.last)
                let s3 = try services.s3(bucket: c.bucket)
                let keys = try await s3.listObjects(prefix: T.root)
                #expect(keys.filter { $0.contains("_run-\(dead.id)") }.count == 1, "the dead run's file: \(keys)")
                #expect(try await Self.log(services, c) == [DeltaLogPath.commitName(0)])
                try await withScratchDirectory { directory in
                    let read = try T.read(try await T.download(services, bucket: c.bucket, into: directory), in: directory)
                    for reader in ["deltalake", "duckdb", "polars"] {
                        #expect(T.rows(read[reader] as? [String: Any]) == before, "\(reader)")
                    }
                }

                // The daemon abandons a dead worker's run (here by hand, as its lease check would);
                // the window's next run deletes the file and commits.
                try await services.execute("UPDATE export_runs SET status = 'abandoned', finished_at = now() WHERE id = \(dead.id)")
                proxy.stopHanging()
                let again = try await ExporterCommand.run(["sync", "--connection", c.id, "--from", "2026-11-02", "--to", "2026-11-03"],
                                                          environment: environment.merging(["EXPORTER_LOG_LEVEL": "info"]) { $1 })
                #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
                #expect(try await s3.listObjects(prefix: T.root).filter { $0.contains("_run-\(dead.id)") }.isEmpty)
                #expect(try await Self.log(services, c) == [DeltaLogPath.commitName(0), DeltaLogPath.commitName(1)])
                try await T.expectReadersReturnPostgresRows(services, c, count: 12)
            }
        }
    }

    @Test func aRacingWriterAndALostAnswerNeverDoubleAWindow() async throws {
        try await TestServices.with { services in
            let c = try await T.connection(services, days: 3)
            try await withScratchDirectory { directory in
                #expect(T.succeeded(try await Self.backfill(services.parquetEngine(), c, days: 1...1)))

                // Another writer commits version 1 first: ours becomes version 2.
                let raced = try await Self.backfill(services.engine(wrapping: { RacingWriterSink(inner: $0) }), c, days: 2...2)
                #expect(T.succeeded(raced), "\(raced)")
                #expect(try await Self.log(services, c) == (0...2).map { DeltaLogPath.commitName($0) })
                let foreign = String(buffer: try await services.s3(bucket: c.bucket).getObject(key: T.logPrefix + DeltaLogPath.commitName(1)).body)
                #expect(foreign.contains("another-writer"))
                #expect(try await T.deltaVersions(services, connection: c.id) == [0, 2])

                // The store keeps our commit but its answer is lost: the writer finds its own txn at
                // version 3 and writes no version 4.
                let lost = try await Self.backfill(services.engine(wrapping: { LostAnswerSink(inner: $0) }), c, days: 3...3)
                #expect(T.succeeded(lost), "\(lost)")
                #expect(try await Self.log(services, c) == (0...3).map { DeltaLogPath.commitName($0) })
                #expect(try await T.deltaVersions(services, connection: c.id) == [0, 2, 3])

                let read = try T.read(try await T.download(services, bucket: c.bucket, into: directory), appID: T.appID(c), in: directory)
                let expected = try await T.postgresRows(services, tenant: c.tenant)
                #expect(expected.count == 18)
                for reader in ["deltalake", "duckdb", "polars"] {
                    #expect(T.rows(read[reader] as? [String: Any]) == expected, "\(reader)")
                }
                let runs = try await services.runs(connection: c.id)
                #expect((read["deltalake"] as? [String: Any])?["transaction_version"] as? Int64 == runs.last?.id)
                #expect((read["deltalake"] as? [String: Any])?["version"] as? Int == 3)
            }
        }
    }

    /// S3 answers a conditional write that raced another request for the same key 409
    /// `ConditionalRequestConflict`, and AWS says to send it again: the commit is retried and
    /// lands once. Answered 409 on every attempt, the run fails naming the code, commits nothing
    /// and deletes its file; the window's next run commits the version the failed one could not.
    @Test func aConditionalRequestConflictIsRetriedAndTheWindowCommitsOnce() async throws {
        try await TestServices.with { services in
            try await services.withProxy { proxy, url in
                let c = try await T.connection(services, days: 3, endpoint: url)
                let engine = services.parquetEngine()
                let conflict = FaultProxy.Fault.status(409, code: "ConditionalRequestConflict")
                let commit1 = T.logPrefix + DeltaLogPath.commitName(1)
                let commit2 = T.logPrefix + DeltaLogPath.commitName(2)
                #expect(T.succeeded(try await Self.backfill(engine, c, days: 1...1)))

                proxy.fault(requestsContaining: commit1, with: conflict, times: 1)
                #expect(T.succeeded(try await Self.backfill(engine, c, days: 2...2)))
                let sent = proxy.requests.filter { $0.hasPrefix("PUT ") && $0.contains(commit1) }
                #expect(sent.count == 2, "answered 409 once, then sent again: \(sent)")
                #expect(try await Self.log(services, c) == [DeltaLogPath.commitName(0), DeltaLogPath.commitName(1)])
                #expect(try await T.deltaVersions(services, connection: c.id) == [0, 1])

                // Every attempt (the engine makes two) is answered 409.
                proxy.fault(requestsContaining: commit2, with: conflict, times: 2)
                let failed = try await Self.backfill(engine, c, days: 3...3)
                #expect(failed.count == 1 && failed.allSatisfy(\.failed), "\(failed)")
                let run = try #require(try await services.runs(connection: c.id).last)
                #expect(run.status == "failed")
                #expect(run.errorMessage?.contains("ConditionalRequestConflict") == true, "\(run.errorMessage ?? "")")
                #expect(try await Self.log(services, c) == [DeltaLogPath.commitName(0), DeltaLogPath.commitName(1)])
                let s3 = try services.s3(bucket: c.bucket)
                #expect(try await s3.listObjects(prefix: T.root).filter { $0.contains("_run-\(run.id)") }.isEmpty,
                        "the failed run's file was deleted")

                #expect(T.succeeded(try await Self.backfill(engine, c, days: 3...3)))
                #expect(try await Self.log(services, c) == (0...2).map { DeltaLogPath.commitName($0) })
                try await T.expectReadersReturnPostgresRows(services, c, count: 18)
            }
        }
    }

    /// A store without conditional writes answers `If-None-Match: *` 501 NotImplemented, as S3
    /// answers a header it does not implement: the run fails saying so and naming the setting,
    /// commits nothing and deletes its file; `check` says the same.
    @Test func aStoreWithoutConditionalWritesFailsTheRunNamingTheSetting() async throws {
        try await TestServices.with { services in
            try await services.withProxy { proxy, url in
                let c = try await T.connection(services, days: 1, endpoint: url)
                proxy.fault(requestsContaining: "/_delta_log/", with: .status(501, code: "NotImplemented"), times: 100)
                let failed = try await Self.backfill(services.parquetEngine(), c, days: 1...1)
                #expect(failed.count == 1 && failed.allSatisfy(\.failed), "\(failed)")
                let run = try #require(try await services.runs(connection: c.id).last)
                #expect(run.errorCode == "s3:NotImplemented", "\(run)")
                for words in ["does not support conditional writes", "If-None-Match", "sync_config.s3.table_format"] {
                    #expect(run.errorMessage?.contains(words) == true, "\(words): \(run.errorMessage ?? "")")
                }
                let s3 = try services.s3(bucket: c.bucket)
                #expect(try await s3.listObjects(prefix: T.root).isEmpty, "no commit, and the run's file deleted")

                // check's probe is a conditional write of its own key.
                proxy.fault(requestsContaining: "-conditional", with: .status(501, code: "NotImplemented"), times: 100)
                let check = try await ExporterCommand.run(["check", "--connection", c.id],
                                                          environment: WarehouseSchemaTests().environment(services))
                #expect(check.status != 0, "\(check.stdout)\(check.stderr)")
                #expect((check.stdout + check.stderr).contains("does not support conditional writes"), "\(check.stdout)\(check.stderr)")
            }
        }
    }
}

/// The process "dies" at its commit: the commit never reaches the store, and nothing after it
/// does (no clean-up of the files it wrote), as after kill -9 between data and commit.
struct DyingAtCommitSink: ForwardingObjectSink {
    let inner: any ObjectSink

    func putIfAbsent(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> Bool {
        throw ExportError.network("injected: the process died before its commit (\(key))")
    }

    func delete(key: String) async throws {}
    func abortIncompleteUploads(prefix: String) async throws -> Int { 0 }
}

/// Another writer takes the version this writer is about to commit: just before our first
/// commit, a foreign commit (its own `txn`) is written at that version.
struct RacingWriterSink: ForwardingObjectSink {
    let inner: any ObjectSink
    let raced = Once()

    func putIfAbsent(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> Bool {
        if key.contains("/_delta_log/"), raced.first() {
            let foreign = """
                {"commitInfo":{"timestamp":1,"operation":"SET TBLPROPERTIES","engineInfo":"another-writer"}}
                {"txn":{"appId":"another-writer","version":1,"lastUpdated":1}}

                """
            #expect(try await inner.putIfAbsent(key: key, body: ByteBuffer(string: foreign), attributes: attributes))
        }
        return try await inner.putIfAbsent(key: key, body: body, attributes: attributes)
    }
}

/// The store keeps our first commit, but its answer is lost on the way back: the writer sees
/// what a retried PUT would see, 412.
struct LostAnswerSink: ForwardingObjectSink {
    let inner: any ObjectSink
    let lost = Once()

    func putIfAbsent(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> Bool {
        let stored = try await inner.putIfAbsent(key: key, body: body, attributes: attributes)
        if key.contains("/_delta_log/"), lost.first() {
            #expect(stored)
            return false
        }
        return stored
    }
}

/// True the first time it is asked, false after.
final class Once: Sendable {
    private let done = Mutex(false)

    func first() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }
}
