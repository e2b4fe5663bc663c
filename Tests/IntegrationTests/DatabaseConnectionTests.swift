import ExporterCore
import ExporterDatabase
import Foundation
import NIOCore
import Testing

/// The libpq layer against the real server: parameters round-trip exactly, COPY streams with its
/// parameters inlined safely, server errors carry their SQLSTATE, and cancelling the waiting task
/// stops the server's statement.
@Suite(TestServices.needsServices())
struct DatabaseConnectionTests {
    @Test func boundParametersRoundTripExactly() async throws {
        try await TestServices.with { services in
            let text = "O'Brien \"quoted\" \\ back; ünï 💶 $1"
            let when = Date(timeIntervalSince1970: 1_795_132_800.123456)
            let missing: String? = nil
            let row = try #require(try await services.postgres.query("""
                SELECT \(text), \(Int64.max), \(Int32.min), \(-0.1 as Double), \(true), \(when), \(["a", "b,c", "d\"e", ""]),
                       \(missing) IS NULL, \(when)::timestamptz = '2026-11-20 00:00:00.123456+00'
                """).first)
            let (t, big, small, d, b, w, list, isNull, sameInstant)
                = try row.decode((String, Int64, Int32, Double, Bool, Date, String, Bool, Bool).self)
            #expect(t == text)
            #expect(big == .max)
            #expect(small == .min)
            #expect(d == -0.1)
            #expect(b)
            #expect(abs(w.timeIntervalSince(when)) < 0.000_001)
            #expect(list == #"{a,"b,c","d\"e",""}"#)
            #expect(isNull)
            #expect(sameInstant)
        }
    }

    @Test func copyOutInlinesItsParametersAsLiteralsAndStreamsEveryMessage() async throws {
        try await TestServices.with { services in
            let hostile = "x'); DROP TABLE export_runs; --"
            let collected = Collected()
            var batches: [Int] = []
            try await services.postgres.withConnection { connection in
                try await connection.copyOut(
                    "COPY (SELECT g, \(hostile) FROM generate_series(1, 2500) AS g) TO STDOUT",
                    batchMessages: 1000, onMessage: { collected.append(String(buffer: $0)) }, afterBatch: { batches.append($0) })
            }
            #expect(batches == [1000, 1000, 500])
            #expect(collected.lines.count == 2500)
            #expect(collected.lines.first == "1\t\(hostile)\n")
            #expect(collected.lines.last == "2500\t\(hostile)\n")
            #expect(try await services.postgres.query("SELECT to_regclass('export_runs') IS NOT NULL").first?.decode(Bool.self) == true)
        }
    }

    @Test func serverErrorsCarryTheirSQLState() async throws {
        try await TestServices.with { services in
            do {
                try await services.postgres.query("SELECT * FROM no_such_table_here")
                Issue.record("the query succeeded")
            } catch let error as DatabaseError {
                #expect(error.kind == .server)
                #expect(error.sqlState == "42P01")
                #expect(error.description.contains("no_such_table_here"))
            }
            // The pool closed that session; the next lease works.
            #expect(try await services.postgres.query("SELECT 1").first?.decode(Int.self) == 1)
        }
    }

    /// Cancelling the task that waits on a statement cancels the statement on the server: the
    /// backend is idle again long before the statement's own 60 s.
    @Test func cancellingTheTaskCancelsTheServersStatement() async throws {
        try await TestServices.with { services in
            let marker = "cancel-me-\(UUID().uuidString)"
            let sleeper = Task {
                try await services.postgres.query(SQL(unsafeSQL: "SELECT pg_sleep(60), '\(marker)'"))
            }
            let running = try await eventually(timeout: .seconds(30), every: .milliseconds(50)) {
                try await activeQueries(services, containing: marker) == 1
            }
            #expect(running, "the sleep never showed up in pg_stat_activity")
            sleeper.cancel()
            await #expect(throws: CancellationError.self) { try await sleeper.value }
            let gone = try await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
                try await activeQueries(services, containing: marker) == 0
            }
            #expect(gone, "the server still runs the cancelled statement")
        }
    }

    /// A COPY abandoned between two batches (the upload failed) is cancelled on the server when
    /// its connection is closed: the server would otherwise sleep on for the rest of its 60 s,
    /// since a backend notices a closed client only when it next writes.
    @Test func aCopyAbandonedHalfWayIsCancelledOnTheServer() async throws {
        try await TestServices.with { services in
            let marker = "abandoned-\(UUID().uuidString)"
            struct UploadFailed: Error {}
            await #expect(throws: UploadFailed.self) {
                try await services.postgres.withConnection { connection in
                    try await connection.copyOut(SQL(unsafeSQL: """
                        COPY (SELECT g, '\(marker)', pg_sleep(CASE WHEN g = 5000 THEN 60 ELSE 0 END)
                              FROM generate_series(1, 10000) AS g) TO STDOUT
                        """), batchMessages: 1000, onMessage: { _ in }, afterBatch: { _ in throw UploadFailed() })
                }
            }
            let gone = try await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
                try await activeQueries(services, containing: marker) == 0
            }
            #expect(gone, "the server still runs the abandoned COPY")
        }
    }

    @Test func sessionsNameTheExporterInPgStatActivity() async throws {
        try await TestServices.with { services in
            let name = try await services.postgres.query("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()")
                .first?.decode(String.self)
            #expect(name == "flexprice-exporter")
            let url = services.databaseURL.databaseURL.setting("application_name", to: "my-exporter")
            let connection = try await DatabaseConnection.connect(url)
            let own = try await connection.query("SELECT current_setting('application_name')").first?.decode(String.self)
            await connection.close()
            #expect(own == "my-exporter")
        }
    }

    func activeQueries(_ services: Services, containing marker: String) async throws -> Int {
        try await services.postgres.query("""
            SELECT count(*)::bigint FROM pg_stat_activity
            WHERE state = 'active' AND query LIKE '%' || \(marker) || '%' AND pid <> pg_backend_pid()
            """).first?.decode(Int.self) ?? 0
    }
}

/// Lines collected on the connection's thread, read after `copyOut` returned.
private final class Collected: @unchecked Sendable {
    var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
}
