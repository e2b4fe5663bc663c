import ExporterCore
import ExporterDatabase
import Foundation
import Testing

/// A connection whose `endpoint_url` names a server that is not S3 (issue 25): whatever it
/// answers, 200, 403 or 500 with a body of its own, the run fails, and nothing of its answer
/// (body or headers) reaches a table a tenant reads (export_runs, tasks, connection_problems),
/// a log line (at trace level) or the command's output. Through the built binary.
@Suite(TestServices.needsServices())
struct NotS3EndpointTests {
    static let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200) // 2026-11-20 .. 21

    @Test(arguments: [
        (200, "s3:InvalidResponse"),
        (403, "s3:AccessDenied"),
        (500, "s3:InternalError"),
    ])
    func aRunAgainstAnEndpointThatIsNotS3FailsAndItsAnswerIsShownNowhere(status: Int, code: String) async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await services.createFlexpriceTasksTable()
            let marker = "MARKER\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
            let server = MarkerServer(status: status, marker: marker)
            let url = try await server.start()
            do {
                let connection = try await services.newConnection(
                    syncConfig: { Services.syncConfig(bucket: $0, compression: .none, endpoint: url) },
                    seed: { tenant in
                        try await services.execute("""
                            INSERT INTO feature_usage (id, tenant_id, environment_id, "timestamp")
                            VALUES (\(tenant + "-1"), \(tenant), '', '2026-11-20T10:00:00Z')
                            """)
                    })
                let sync = try await ExporterCommand.run(
                    ["sync", "--from", "2026-11-20", "--to", "2026-11-21", "--connection", connection.id],
                    environment: ["DATABASE_URL": services.databaseURLString,
                                  "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
                                  "EXPORTER_LOG_LEVEL": "trace", "EXPORTER_FLEXPRICE_TASKS": "true",
                                  "EXPORTER_S3_MAX_ATTEMPTS": "2"])
                let output = sync.stdout + sync.stderr
                #expect(sync.status == 1, "\(output)")
                // The endpoint was asked, and the trace log is there: the marker's absence means something.
                #expect(!server.requests.isEmpty)
                #expect(output.contains(" trace ") || output.contains(" debug "), "\(output)")

                let runs = try await services.runs(connection: connection.id)
                let run = try #require(runs.first, "\(output)")
                #expect(runs.count == 1)
                #expect(run.status == "failed")
                #expect(run.errorCode == code, "\(String(describing: run.errorMessage))")
                let taskID = try #require(run.taskID)
                #expect(try await services.task(taskID)?.taskStatus == "FAILED")

                var tables = ""
                for table in ["export_runs", "tasks", "connection_problems"] {
                    for row in try await services.postgres.query(SQL(unsafeSQL: "SELECT t::text FROM \(table) AS t")) {
                        tables += try row.decode(String.self) + "\n"
                    }
                }
                #expect(tables.contains(connection.id), "the run is recorded: \(tables)")
                #expect(!tables.contains(marker), "the endpoint's answer is in a table: \(tables)")
                #expect(!output.contains(marker), "the endpoint's answer is in the output: \(output)")
            } catch {
                await server.stop()
                throw error
            }
            await server.stop()
        }
    }
}
