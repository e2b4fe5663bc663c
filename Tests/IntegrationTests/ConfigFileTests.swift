import Foundation
import Testing

/// The config file's pitfalls through the built binary (issue 22): a file that cannot be read
/// is one sentence naming it, `export` lines and unclosed quotes are refused naming the line,
/// quotes are removed as systemd removes them, unknown keys are warned about once, naming the
/// line and the key they resemble, and a refused value shows what was read and where (never a
/// secret). No services: every case ends before the database is reached, or at a closed port.
struct ConfigFileTests {
    /// A closed loopback port: a command that gets past its settings fails there (exit 69).
    static let unreachableDatabase = "postgres://nobody:db-secret-\(UUID().uuidString.prefix(8))@127.0.0.1:1/none?sslmode=disable"

    func withFile(_ text: String, _ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("exporter.env")
        try Data(text.utf8).write(to: file)
        try await body(file.path)
    }

    @Test func aDirectoryOrAMissingFileIsOneSentenceNamingThePath() async throws {
        let directory = FileManager.default.temporaryDirectory.path
        let asDirectory = try await ExporterCommand.run(["status", "--config", directory])
        #expect(asDirectory.status == 78)
        #expect(asDirectory.stderr == "configuration error: the config file \(directory) (--config) is a directory: name the file itself\n")
        #expect(asDirectory.stdout.isEmpty)

        let missing = "/nonexistent-\(UUID().uuidString)/exporter.env"
        let viaEnvironment = try await ExporterCommand.run(["status"], environment: ["EXPORTER_CONFIG_FILE": missing])
        #expect(viaEnvironment.status == 78)
        #expect(viaEnvironment.stderr == "configuration error: the config file \(missing) (EXPORTER_CONFIG_FILE) does not exist\n")
    }

    @Test func anExportLineIsRefusedNamingTheLine() async throws {
        try await withFile("# settings\nexport EXPORTER_LOG_LEVEL=debug\n") { path in
            let result = try await ExporterCommand.run(["status", "--config", path])
            #expect(result.status == 78)
            #expect(result.stderr == "configuration error: \(path), line 2: `export EXPORTER_LOG_LEVEL=…` is shell syntax, "
                + "which systemd's EnvironmentFile= ignores; write `EXPORTER_LOG_LEVEL=…`\n")
        }
    }

    /// Quotes are the file's syntax (as for systemd), not part of the value; an unknown key and
    /// an ignored line are warnings naming the file and the line, logged once at start; the
    /// secret on the ignored line is not shown.
    @Test func quotesAreRemovedAndUnknownKeysAreWarnedAboutOnce() async throws {
        let secret = "TopSecret-\(UUID().uuidString.prefix(8))"
        try await withFile("""
            DATABASE_URL='\(Self.unreachableDatabase)'
            EXPORTER_LOG_LEVEL="warning"
            EXPORTER_TICK_SECOND=5
            postgres://exporter:\(secret)@db/flexprice?sslmode=require

            """) { path in
            let result = try await ExporterCommand.run(["status", "--config", path],
                                                      environment: ["EXPORTER_GRACE_SECOND": "0"], timeout: .seconds(60))
            #expect(result.status == 69, "\(result.stderr)")
            let warnings = result.stderr.split(separator: "\n").filter { $0.contains(" warning flexprice-exporter: ") }
                .map { String($0.split(separator: " warning flexprice-exporter: ", maxSplits: 1).last ?? "") }
            #expect(warnings == [
                "the environment: EXPORTER_GRACE_SECOND is not a setting of the exporter and is ignored; did you mean EXPORTER_GRACE_SECONDS?",
                "\(path), line 3: EXPORTER_TICK_SECOND is not a setting of the exporter and is ignored; did you mean EXPORTER_TICK_SECONDS?",
                "\(path), line 4: the text before \"=\" is not a variable name (letters, digits and _, not starting with a digit); the line is ignored",
            ], "\(result.stderr)")
            #expect(!result.stderr.contains(secret))
            #expect(!result.stderr.contains("db-secret-"))
        }
    }

    /// The value as read (quotes removed) and where: the file's line, with the hint a `#` needs;
    /// a value from the environment says so.
    @Test func aRefusedValueShowsWhatWasReadAndWhere() async throws {
        try await withFile("""
            EXPORTER_LOG_LEVEL="info"
            EXPORTER_LOG_FORMAT=json # one JSON object per line

            """) { path in
            let result = try await ExporterCommand.run(["status", "--config", path])
            #expect(result.status == 78)
            #expect(result.stderr == "configuration error: EXPORTER_LOG_FORMAT must be text or json, got \"json # one JSON object per line\" "
                + "(\(path), line 2; a # after a value is part of the value: put comments on a line of their own)\n")
        }
        let environment = try await ExporterCommand.run(["status"], environment: ["EXPORTER_LOG_LEVEL": "\"debug\""])
        #expect(environment.status == 78)
        #expect(environment.stderr == "configuration error: EXPORTER_LOG_LEVEL must be one of trace, debug, info, notice, warning, "
            + "error, critical, got \"\"debug\"\" (in the environment)\n")
    }

    /// `encrypt-secret` has no logger (its standard output is the ciphertext): the warnings go to
    /// standard error, the ciphertext alone to standard output.
    @Test func encryptSecretPrintsTheWarningsToStandardError() async throws {
        try await withFile("FLEXPRICE_SECRETS_ENCRYPTION_KEY=\"k\"\nEXPORTER_LOGLEVEL=debug\n") { path in
            let result = try await ExporterCommand.run(["encrypt-secret", "--config", path], input: Data("s3cret".utf8))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr == "warning: \(path), line 2: EXPORTER_LOGLEVEL is not a setting of the exporter and is ignored; "
                + "did you mean EXPORTER_LOG_LEVEL?\n")
            #expect(result.stdout.split(separator: "\n").count == 1)
        }
    }
}
