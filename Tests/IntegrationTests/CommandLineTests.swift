import ExporterCore
import ExporterEngine
import Foundation
import ExporterDatabase
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What a new operator meets in the first hour (issue 11, "Commands and messages"), through the
/// built binary: `--config` on either side of the subcommand, migrations at start, one message
/// and exit code for an unknown `--connection`, a database that is down or refuses the password
/// (69), `status --limit 0`, empty `encrypt-secret` input, and the daemon's pass logging.
@Suite(TestServices.needsServices())
struct CommandLineTests {
    func environment(_ services: Services, databaseURL: String? = nil) -> [String: String] {
        ["DATABASE_URL": databaseURL ?? services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
         "EXPORTER_GRACE_SECONDS": "0", "EXPORTER_LOG_LEVEL": "error"]
    }

    /// The database as `migrate` never touched it: the FlexPrice tables only.
    func dropExporterTables(_ services: Services) async throws {
        try await services.execute("DROP TABLE export_runs, exporter_workers, exporter_migrations CASCADE")
    }

    func tableExists(_ services: Services, _ table: String) async throws -> Bool {
        try await services.postgres.query("SELECT to_regclass(\(table)) IS NOT NULL")
            .first?.decode(Bool.self) ?? false
    }

    // MARK: --config before and after the subcommand

    @Test func configIsAcceptedBeforeAndAfterTheSubcommand() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let connection = try await services.newConnection()
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("exporter-\(UUID().uuidString).env")
            try """
                DATABASE_URL=\(services.databaseURLString)
                FLEXPRICE_SECRETS_ENCRYPTION_KEY=\(TestServices.encryptionKey)
                EXPORTER_LOG_LEVEL=error

                """.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }

            // Without the file there is no DATABASE_URL: what follows really reads it.
            let without = try await ExporterCommand.run(["status"])
            #expect(without.status == 78, "\(without.stderr)")
            #expect(without.stderr.contains("DATABASE_URL is not set"), "\(without.stderr)")

            for arguments in [["--config", file.path, "status"], ["status", "--config", file.path],
                              ["--config=\(file.path)", "status"], ["status", "--config=\(file.path)"],
                              ["--config", file.path, "status", "--connection", connection.id]] {
                let status = try await ExporterCommand.run(arguments)
                #expect(status.status == 0, "\(arguments): \(status.stderr)")
                #expect(status.stdout.contains(connection.id), "\(arguments): \(status.stdout)")
                #expect(!status.stderr.contains("Unknown option"), "\(arguments): \(status.stderr)")
            }
        }
    }

    // MARK: migrations at start

    @Test func syncMigratesADatabaseThatNeverRanMigrate() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await dropExporterTables(services)
            let connection = try await services.newConnection()
            let sync = try await ExporterCommand.run(["sync"], environment: environment(services))
            #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
            let runs = try await services.runs(connection: connection.id)
            #expect(runs.map(\.status) == ["succeeded"], "\(sync.stdout)\(sync.stderr)")
            #expect(runs.map(\.trigger) == ["schedule"])
            var versions: [Int] = []
            for row in try await services.postgres.query("SELECT version FROM exporter_migrations ORDER BY version") {
                versions.append(try row.decode(Int.self))
            }
            #expect(versions == [1, 2, 3, 4, 5, 6, 7])
            // Again: nothing left to apply, and it still works.
            let again = try await ExporterCommand.run(["sync"], environment: environment(services))
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("nothing is due"), "\(again.stdout)")
        }
    }

    @Test func theDaemonMigratesADatabaseThatNeverRanMigrate() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await dropExporterTables(services)
            let connection = try await services.newConnection()
            let daemon = try ExporterProcess(["run"], environment: environment(services).merging([
                "EXPORTER_TICK_SECONDS": "1", "EXPORTER_LOG_LEVEL": "info",
            ]) { $1 })
            let exported = try await eventually {
                guard try await tableExists(services, "export_runs") else { return false }
                return try await services.runs(connection: connection.id).map(\.status) == ["succeeded"]
            }
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit() == 0, "\(daemon.log)")
            #expect(exported, "\(daemon.log)")
            #expect(daemon.log.contains("applied migration"), "\(daemon.log)")
            #expect(!daemon.log.contains("does not exist"), "\(daemon.log)")
        }
    }

    @Test func statusAndCheckChangeNoSchemaAndSayToRunMigrate() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await dropExporterTables(services)
            _ = try await services.newConnection()
            for command in [["status"], ["status", "--json"], ["check"]] {
                let result = try await ExporterCommand.run(command, environment: environment(services))
                #expect(result.status == 78, "\(command): \(result.stdout)\(result.stderr)")
                #expect(result.stderr.contains("export_runs does not exist: run `flexprice-exporter migrate`"),
                        "\(command): \(result.stderr)")
            }
            #expect(try await !tableExists(services, "export_runs"))
            #expect(try await !tableExists(services, "exporter_workers"))
            #expect(try await !tableExists(services, "exporter_migrations"))
        }
    }

    /// A role without CREATE rights cannot migrate at start and is told what to do; once an
    /// owner ran `migrate`, the same role (reading and writing the tables only) works, because
    /// start-up creates nothing when nothing is pending.
    @Test func aRoleThatMayNotCreateTablesIsToldToRunMigrate() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await dropExporterTables(services)
            let role = "limited_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
            let password = "limited-password-\(UUID().uuidString.prefix(8))"
            try await services.execute(SQL(unsafeSQL: "CREATE ROLE \(role) LOGIN PASSWORD '\(password)'"))
            let url = services.databaseURL
            let limitedURL = "postgres://\(role):\(password)@\(url.host):\(url.port)/\(url.database)?sslmode=disable"
            let limited = environment(services, databaseURL: limitedURL)

            let sync = try await ExporterCommand.run(["sync"], environment: limited)
            #expect(sync.status == 78, "\(sync.stdout)\(sync.stderr)")
            #expect(sync.stderr.contains("run `flexprice-exporter migrate` with a role that may create tables"), "\(sync.stderr)")
            #expect(sync.stderr.contains("applying migration 1 (create export_runs) was refused"), "\(sync.stderr)")
            #expect(!sync.stderr.contains(password))

            // The daemon does not loop on a missing table: it stops with the same advice.
            let daemon = try await ExporterCommand.run(["run"], environment: limited.merging(["EXPORTER_TICK_SECONDS": "1"]) { $1 })
            #expect(daemon.status == 78, "\(daemon.stderr)")
            #expect(daemon.stderr.contains("run `flexprice-exporter migrate` with a role that may create tables"), "\(daemon.stderr)")
            #expect(try await !tableExists(services, "export_runs"))

            let migrate = try await ExporterCommand.run(["migrate"], environment: environment(services))
            #expect(migrate.status == 0, "\(migrate.stderr)")
            try await services.execute(SQL(
                unsafeSQL: "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(role)"))
            try await services.execute(SQL(unsafeSQL: "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \(role)"))
            let connection = try await services.newConnection()
            let working = try await ExporterCommand.run(["sync"], environment: limited)
            #expect(working.status == 0, "\(working.stdout)\(working.stderr)")
            #expect(try await services.runs(connection: connection.id).map(\.status) == ["succeeded"])

            try await services.execute(SQL(unsafeSQL: "DROP OWNED BY \(role)"))
            try await services.execute(SQL(unsafeSQL: "DROP ROLE \(role)"))
        }
    }

    /// Migration 3 replaced migration 1's trigger CHECK (by its generated name) with one that
    /// also allows `forced` and `backfill`: one CHECK on the column, not two.
    @Test func theTriggerCheckAllowsForcedAndBackfill() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let checks = try await services.postgres.query("""
                SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                WHERE conrelid = 'export_runs'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%trigger%'
                """).map { try $0.decode((String, String).self) }
            #expect(checks.count == 1, "\(checks)")
            #expect(checks.first?.0 == "export_runs_trigger_check")
            func insert(_ trigger: String) async throws {
                try await services.execute("""
                    INSERT INTO export_runs (connection_id, tenant_id, entity_type, window_start, window_end, "trigger", status, worker)
                    VALUES ('c', 't', 'customer', now(), now(), \(trigger), 'failed', 'test')
                    """)
            }
            for trigger in ["schedule", "catch_up", "signal", "forced", "manual", "backfill"] {
                try await insert(trigger)
            }
            await #expect { try await insert("bogus") } throws: { ($0 as? DatabaseError)?.sqlState == "23514" }
        }
    }

    // MARK: an unknown --connection

    @Test func anUnknownConnectionIsAUsageErrorForEveryCommand() async throws {
        try await TestServices.with { services in
            let id = uniqueName("no-such-connection")
            for command in [["check"], ["status"], ["status", "--json"], ["sync"], ["sync", "--from", "2026-11-20", "--to", "2026-11-21"],
                            ["sync", "--dry-run"]] {
                let result = try await ExporterCommand.run(command + ["--connection", id], environment: environment(services))
                #expect(result.status == 64, "\(command): \(result.stdout)\(result.stderr)")
                #expect(result.stderr.contains("connection \(id): no published connection with provider_type s3 has this id"),
                        "\(command): \(result.stderr)")
                #expect(!result.stdout.contains("no published s3 connections"), "\(command): \(result.stdout)")
            }
        }
    }

    // MARK: a database that is down or refuses the password

    @Test func aDatabaseThatIsDownIsUnavailable() async throws {
        let password = "down-db-password-\(UUID().uuidString.prefix(8))"
        for command in [["sync"], ["status"], ["check"]] {
            let result = try await ExporterCommand.run(command, environment: [
                "DATABASE_URL": "postgres://nobody:\(password)@127.0.0.1:1/none?sslmode=disable",
                "FLEXPRICE_SECRETS_ENCRYPTION_KEY": "k",
            ], timeout: .seconds(60))
            #expect(result.status == 69, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("cannot connect to the database"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains(#"connection to server at "127.0.0.1", port 1 failed"#), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains(password) && !result.stdout.contains(password))
        }
    }

    // A wrong password: DatabaseURLTests.aWrongPasswordExits78WithAClearMessageAndNoPassword.

    // MARK: status --limit, encrypt-secret

    @Test func statusLimitZeroListsNoRunsAndANegativeLimitIsAUsageError() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let connection = try await services.newConnection()
            let sync = try await ExporterCommand.run(["sync"], environment: environment(services))
            #expect(sync.status == 0, "\(sync.stderr)")
            func recentRuns(_ limit: String) async throws -> (streams: Int, runs: Int) {
                let status = try await ExporterCommand.run(["status", "--json", "--limit", limit], environment: environment(services))
                #expect(status.status == 0, "\(status.stderr)")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
                return (try #require(json["streams"] as? [Any]).count, try #require(json["recent_runs"] as? [Any]).count)
            }
            #expect(try await recentRuns("0") == (1, 0))
            #expect(try await recentRuns("1") == (1, 1))
            let table = try await ExporterCommand.run(["status", "--limit", "0"], environment: environment(services))
            #expect(table.status == 0)
            #expect(table.stdout.contains(connection.id), "the streams are still listed: \(table.stdout)")
            // The runs table is its header and rule only.
            #expect(table.stdout.split(separator: "\n").last?.hasPrefix("---") == true, "\(table.stdout)")
            let negative = try await ExporterCommand.run(["status", "--limit=-1"], environment: environment(services))
            #expect(negative.status == 64, "\(negative.stderr)")
            #expect(negative.stderr.contains("--limit must be 0 or more"), "\(negative.stderr)")
        }
    }

    @Test func encryptSecretRefusesEmptyInput() async throws {
        let environment = ["FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey]
        for input in ["", "\n", "\r\n"] {
            let result = try await ExporterCommand.run(["encrypt-secret"], environment: environment, input: Data(input.utf8))
            #expect(result.status == 64, "\(input.debugDescription): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(input.debugDescription): \(result.stdout)")
            #expect(result.stderr.contains("standard input is empty"), "\(result.stderr)")
        }
        // The line ending is not part of the secret, and nothing else is taken off with it.
        for input in ["s3cret", "s3cret\n", "s3cret\r\n"] {
            let secret = try await ExporterCommand.run(["encrypt-secret"], environment: environment, input: Data(input.utf8))
            #expect(secret.status == 0, "\(input.debugDescription): \(secret.stderr)")
            let ciphertext = secret.stdout.trimmingCharacters(in: .newlines)
            #expect(try SecretBox(encryptionKey: TestServices.encryptionKey).decrypt(ciphertext) == "s3cret", "\(input.debugDescription)")
        }
    }

    // MARK: the daemon's pass logging

    /// A pass that ran something logs one summary at info; a pass with nothing due logs one line
    /// at debug; durations are seconds with three decimals.
    @Test func daemonPassesLogOneSummaryAtInfoAndNothingDueAtDebug() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let connection = try await services.newConnection()
            let daemon = try ExporterProcess(["run"], environment: environment(services).merging([
                "EXPORTER_TICK_SECONDS": "1", "EXPORTER_LOG_LEVEL": "debug", "EXPORTER_LOG_FORMAT": "json",
            ]) { $1 })
            func lines() -> [[String: Any]] {
                daemon.log.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
            }
            func idle() -> [[String: Any]] { lines().filter { $0["msg"] as? String == "pass finished: nothing due" } }
            let quiet = try await eventually { idle().count >= 2 }
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit() == 0, "\(daemon.log)")
            #expect(quiet, "\(daemon.log)")
            #expect(try await services.runs(connection: connection.id).map(\.status) == ["succeeded"])

            let all = lines()
            let milliseconds = try Regex(#"[0-9]+\.[0-9]{3}s"#)
            let summaries = all.filter { $0["msg"] as? String == "pass finished" }
            #expect(summaries.count == 1, "\(daemon.log)")
            if let summary = summaries.first {
                #expect(summary["level"] as? String == "info")
                #expect(summary["succeeded"] as? String == "1")
                #expect(summary["failed"] as? String == "0")
                #expect(summary["skipped"] as? String == "0")
                #expect((summary["duration"] as? String)?.wholeMatch(of: milliseconds) != nil, "\(summary)")
            }
            for line in idle() {
                #expect(line["level"] as? String == "debug", "\(line)")
                #expect((line["duration"] as? String)?.wholeMatch(of: milliseconds) != nil, "\(line)")
            }
            let finishedRuns = all.filter { $0["msg"] as? String == "run finished" }
            #expect(finishedRuns.count == 1, "\(daemon.log)")
            for line in finishedRuns {
                #expect((line["duration"] as? String)?.wholeMatch(of: milliseconds) != nil, "\(line)")
            }
            // Per pass, nothing else at info: no "pass started", no line for an idle pass.
            let passLines = all.filter { ($0["msg"] as? String)?.hasPrefix("pass") == true && $0["level"] as? String != "debug" }
            #expect(passLines.count == 1, "\(passLines)")
        }
    }
}

/// `--version`: the release from VERSION and the git commit the binary was built from.
struct VersionTests {
    /// `git rev-parse --short HEAD` of the repository, or "unknown" when the tests do not run
    /// in a git checkout of it (as the build script decides).
    func expectedCommit() throws -> String {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", TestServices.repositoryRoot.path, "rev-parse", "--show-toplevel", "--short", "HEAD"]
        let output = Pipe()
        git.standardOutput = output
        git.standardError = FileHandle.nullDevice
        try git.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        git.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        guard git.terminationStatus == 0, lines.count == 2,
              URL(fileURLWithPath: lines[0]).resolvingSymlinksInPath().path
                == TestServices.repositoryRoot.resolvingSymlinksInPath().path
        else { return "unknown" }
        return lines[1]
    }

    @Test func versionNamesTheReleaseAndTheCommitOfTheBuild() async throws {
        let version = try String(contentsOf: TestServices.repositoryRoot.appendingPathComponent("VERSION"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.wholeMatch(of: try Regex(#"[0-9]+\.[0-9]+\.[0-9]+"#)) != nil, "VERSION: \(version)")
        let result = try await ExporterCommand.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "flexprice-exporter \(version) (\(try expectedCommit()))\n", "\(result.stdout)")
    }
}

/// Help and usage messages (issue 22, item 6), through the built binary; no services needed.
struct CommandHelpTests {
    /// `--config` is each subcommand's option, yet the first help a newcomer reads names it.
    @Test func topLevelHelpNamesConfig() async throws {
        let help = try await ExporterCommand.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: flexprice-exporter [--config <file>] <subcommand> [<options>]"), "\(help.stdout)")
        #expect(help.stdout.contains("Every subcommand takes --config <file>, before or after the subcommand's name"), "\(help.stdout)")
    }

    /// Every table and view a migration creates (read from the migrations' own source, so a new
    /// one must be named too) is named by `migrate --help`.
    @Test func migrateHelpNamesEverythingItCreates() async throws {
        let source = try String(contentsOf: TestServices.repositoryRoot
            .appendingPathComponent("Sources/ExporterRunHistory/Migrations.swift"), encoding: .utf8)
        let created = Set(source.matches(of: try Regex(#"CREATE (?:TABLE IF NOT EXISTS|(?:OR REPLACE )?VIEW) ([a-z_]+)"#))
            .compactMap { $0.output[1].substring.map(String.init) })
        #expect(created.isSuperset(of: ["export_runs", "exporter_workers", "exporter_migrations", "export_stream_status"]), "\(created)")
        let help = try await ExporterCommand.run(["migrate", "--help"])
        #expect(help.status == 0)
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for name in created.sorted() {
            #expect(text.contains(name), "migrate --help does not name \(name): \(help.stdout)")
        }
    }

    /// ArgumentParser lists an enum's values itself: the help text does not list them again.
    @Test(arguments: [["sync", "--help"], ["backfill", "--help"]])
    func entityValuesAreListedOnce(_ arguments: [String]) async throws {
        let help = try await ExporterCommand.run(arguments)
        #expect(help.status == 0)
        #expect(help.stdout.components(separatedBy: "credit_note").count - 1 == 1, "\(help.stdout)")
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("(values: feature_usage, customer, invoice, price, subscription, credit_note, credit_topups, meter_usage, events)"), "\(help.stdout)")
    }

    /// A negative `--limit`, written either way, is refused by name with the allowed range (it
    /// was "Missing value for '--limit'" when written `--limit -1`).
    @Test(arguments: [["status", "--limit", "-1"], ["status", "--limit=-1"], ["status", "--json", "--limit", "-5"]])
    func aNegativeLimitIsRefusedByName(_ arguments: [String]) async throws {
        let result = try await ExporterCommand.run(arguments)
        #expect(result.status == 64)
        let value = arguments.last?.replacingOccurrences(of: "--limit=", with: "") ?? ""
        #expect(result.stderr.hasPrefix("Error: --limit must be 0 or more (how many recent runs to list), got \(value)\n"),
                "\(result.stderr)")
    }
}

/// A run's one-line report agrees in number: "1 row", "1 byte", never "1 rows".
struct RunReportTextTests {
    let key = RunKey(connectionID: "conn_1", tenantID: "t", environmentID: "e", entity: .featureUsage, interval: .daily,
                     window: ExportWindow(start: 1_795_132_800, end: 1_795_219_200))

    func outcome(rows: Int64, bytes: Int64) -> RunOutcome {
        RunOutcome(rowCount: rows, bytesRaw: bytes, bytesUploaded: bytes, objectCount: 1, manifestKey: "m.json",
                   objectURL: "s3://b/o", sha256: "")
    }

    @Test func countsAgreeWithTheirNouns() {
        let window = "[2026-11-20T00:00:00Z, 2026-11-21T00:00:00Z)"
        #expect(RunReport(key: key, runID: 1, result: .succeeded(outcome(rows: 1, bytes: 1))).description
            == "conn_1 feature_usage \(window): succeeded, 1 row, 1 byte, manifest m.json")
        #expect(RunReport(key: key, runID: 1, result: .succeeded(outcome(rows: 2, bytes: 30))).description
            == "conn_1 feature_usage \(window): succeeded, 2 rows, 30 bytes, manifest m.json")
        #expect(RunReport(key: key, runID: nil, result: .planned(trigger: .manual, objectKey: "k.csv", rows: 1)).description
            == "conn_1 feature_usage \(window): would export 1 row to k.csv (manual)")
        #expect(RunReport(key: key, runID: nil, result: .planned(trigger: .manual, objectKey: "k.csv", rows: 0)).description
            == "conn_1 feature_usage \(window): would export 0 rows to k.csv (manual)")
    }
}
