import ArgumentParser
import ExporterClickHouse
import ExporterCore
import ExporterEngine
import Foundation
import Logging

/// `check`: with EXPORTER_CLICKHOUSE_URL, reach ClickHouse, authenticate and verify each usage
/// table and its columns (a wrong password or a missing table is a configuration error, 78,
/// naming the setting or the table); then per connection, decrypt the credentials, reach the
/// bucket, and probe a write (exit 1 when any connection fails). It changes no schema: without
/// `migrate` it says so (78).
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check each connection: settings, decryption, bucket access, a probe write.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this connection id.") var connection: String?

    func run() async throws {
        try await CommandRunner.run {
            let settings = try await SettingsLoader.load(global)
            let key = try settings.requireEncryptionKey()
            let logger = ProcessLogging.makeLogger(settings)
            if let url = settings.clickHouseURL {
                try await Self.checkClickHouse(url, settings: settings, logger: logger)
            }
            let connection = connection
            let (checks, overlaps) = try await Runtime.withEngine(settings, encryptionKey: key, logger: logger, schema: .verify) { engine in
                (try await engine.check(connectionID: connection, now: Int64(Date().timeIntervalSince1970)),
                 try await engine.scheduledTaskOverlaps(connectionID: connection))
            }
            for overlap in overlaps { print("WARN \(overlap)") }
            if checks.isEmpty { print("no published s3 connections") }
            for check in checks {
                print("\(check.passed ? "PASS" : "FAIL") \(check.connectionID)")
                for step in check.steps {
                    print("  \(step.failure == nil ? "ok  " : "FAIL") \(step.name)\(step.failure.map { ": \($0)" } ?? "")")
                }
            }
            if checks.contains(where: { !$0.passed }) { throw ExitCodes.runFailed }
        }
    }

    /// ClickHouse's part of `check`: prints one line per step; throws a configuration error (78)
    /// for a server that cannot be reached, refused credentials, or a missing table or column.
    static func checkClickHouse(_ url: ClickHouseURL, settings: ExporterSettings, logger: Logger) async throws {
        let http = try Runtime.makeClickHouseHTTPClient(settings)
        let tables: [ClickHouseSchemaCheck.TableCheck]
        do {
            let check = ClickHouseSchemaCheck(client: ClickHouseClient(url: url, http: http, logger: logger, maxAttempts: 2))
            do {
                try await check.reach()
            } catch let error as ClickHouseError {
                print("FAIL clickhouse \(url)")
                throw Failure.configuration("EXPORTER_CLICKHOUSE_URL: \(error)")
            }
            print("PASS clickhouse \(url)")
            tables = try await check.verify([.meterUsage, .events, .featureUsage])
            try? await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
        var problems: [String] = []
        for table in tables {
            // feature_usage exists only in older installations: its absence is a note, not a failure.
            let optional = table.entity == .featureUsage && table.missing
            print("  \(table.problem == nil ? "ok  " : (optional ? "note" : "FAIL")) table \(url.database).\(table.entity.table)"
                  + (table.problem.map { ": \($0)" } ?? ""))
            if let problem = table.problem, !optional { problems.append(problem) }
        }
        if !problems.isEmpty { throw Failure.configuration(problems.joined(separator: "; ")) }
    }
}
