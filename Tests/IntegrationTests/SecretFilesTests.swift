import ExporterCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Secrets from files, through the binary (issue 25): DATABASE_URL_FILE and
/// FLEXPRICE_SECRETS_ENCRYPTION_KEY_FILE, systemd credentials in $CREDENTIALS_DIRECTORY, the
/// refusals, a SIGHUP that re-reads the key file, and never a secret in the output.
@Suite(TestServices.needsServices())
struct SecretFilesTests {
    /// A fresh folder, removed afterwards.
    func withFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    func write(_ text: String, _ url: URL) throws {
        try Data(text.utf8).write(to: url)
        chmod(url.path, 0o600)
    }

    /// The secrets a leak would show: the encryption key, the database password (as it stands in
    /// a URL: the test password is a common word), the AWS keys.
    func leaks(_ text: String, _ services: Services) -> [String] {
        [TestServices.encryptionKey, services.databaseURL.password.map { ":\($0)@" } ?? "", TestServices.secretKey,
         TestServices.accessKey].filter { !$0.isEmpty && text.contains($0) }
    }

    @Test func bothSecretsFromFilesAndFromSystemdCredentials() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let connection = try await services.newConnection()
            try await withFolder { folder in
                try write(services.databaseURLString + "\n", folder.appendingPathComponent("database-url"))
                try write(TestServices.encryptionKey + "\n", folder.appendingPathComponent("key"))
                let fromFiles = try await ExporterCommand.run(["check", "--connection", connection.id], environment: [
                    "DATABASE_URL_FILE": folder.appendingPathComponent("database-url").path,
                    "FLEXPRICE_SECRETS_ENCRYPTION_KEY_FILE": folder.appendingPathComponent("key").path,
                    "EXPORTER_LOG_LEVEL": "trace",
                ])
                #expect(fromFiles.status == 0, "\(fromFiles.stdout)\(fromFiles.stderr)")
                #expect(fromFiles.stdout.contains("PASS \(connection.id)"))
                #expect(leaks(fromFiles.stdout + fromFiles.stderr, services).isEmpty)

                // systemd's LoadCredential=: files named like the variables in $CREDENTIALS_DIRECTORY.
                let credentials = folder.appendingPathComponent("credentials")
                try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
                try write(services.databaseURLString, credentials.appendingPathComponent("DATABASE_URL"))
                try write(TestServices.encryptionKey, credentials.appendingPathComponent("FLEXPRICE_SECRETS_ENCRYPTION_KEY"))
                let fromCredentials = try await ExporterCommand.run(["check", "--connection", connection.id], environment: [
                    "CREDENTIALS_DIRECTORY": credentials.path, "EXPORTER_LOG_LEVEL": "trace",
                ])
                #expect(fromCredentials.status == 0, "\(fromCredentials.stdout)\(fromCredentials.stderr)")
                #expect(fromCredentials.stdout.contains("PASS \(connection.id)"))
                #expect(leaks(fromCredentials.stdout + fromCredentials.stderr, services).isEmpty)

                // A wrong key in the credential: the connection's credentials cannot be decrypted,
                // which shows the key really came from there.
                try write("another key", credentials.appendingPathComponent("FLEXPRICE_SECRETS_ENCRYPTION_KEY"))
                let wrongKey = try await ExporterCommand.run(["check", "--connection", connection.id],
                                                             environment: ["CREDENTIALS_DIRECTORY": credentials.path])
                #expect(wrongKey.status == 1)
                #expect(wrongKey.stdout.contains("could not be decrypted"), "\(wrongKey.stdout)")
            }
        }
    }

    @Test func refusalsNameTheVariableAndPathAndExit78() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await withFolder { folder in
                let key = folder.appendingPathComponent("key")
                try write(TestServices.encryptionKey, key)
                let both = try await ExporterCommand.run(["check"], environment: [
                    "DATABASE_URL": services.databaseURLString,
                    "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey, "FLEXPRICE_SECRETS_ENCRYPTION_KEY_FILE": key.path,
                ])
                #expect(both.status == 78)
                #expect(both.stderr.contains("configuration error: FLEXPRICE_SECRETS_ENCRYPTION_KEY and FLEXPRICE_SECRETS_ENCRYPTION_KEY_FILE are both set"),
                        "\(both.stderr)")
                let missing = folder.appendingPathComponent("missing").path
                let absent = try await ExporterCommand.run(["status"], environment: ["DATABASE_URL_FILE": missing])
                #expect(absent.status == 78)
                #expect(absent.stderr.contains("configuration error: DATABASE_URL_FILE names \(missing), which does not exist"),
                        "\(absent.stderr)")
                for output in [both, absent] { #expect(leaks(output.stdout + output.stderr, services).isEmpty) }
            }
        }
    }

    /// SIGHUP re-reads FLEXPRICE_SECRETS_ENCRYPTION_KEY_FILE: a daemon started with the wrong key
    /// in the file cannot decrypt the connection; once the file holds the right key and the
    /// daemon is told to reload, a forced pass exports.
    @Test func aReloadReadsTheKeyFileAgain() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let connection = try await services.newConnection()
            try await withFolder { folder in
                let key = folder.appendingPathComponent("key")
                try write("not the key\n", key)
                let daemon = try ExporterProcess(["run"], environment: [
                    "DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY_FILE": key.path,
                    "EXPORTER_TICK_SECONDS": "3600", "EXPORTER_GRACE_SECONDS": "0", "EXPORTER_LOG_LEVEL": "info",
                ])
                #expect(try await eventually(timeout: .seconds(60)) {
                    try await services.postgres.query(
                        "SELECT count(*)::bigint FROM connection_problems WHERE connection_id = \(connection.id) AND error_code = 'decryption'")
                        .first?.decode(Int64.self) == 1
                }, "\(daemon.log)")
                #expect(try await services.runs(connection: connection.id).isEmpty)

                try write(TestServices.encryptionKey + "\n", key)
                daemon.signal(SIGHUP)
                #expect(try await eventually(timeout: .seconds(30)) { daemon.log.contains("configuration reloaded") }, "\(daemon.log)")
                daemon.signal(SIGUSR1)
                #expect(try await eventually(timeout: .seconds(60)) {
                    try await services.runs(connection: connection.id).contains { $0.status == "succeeded" }
                }, "\(daemon.log)")
                daemon.signal(SIGTERM)
                #expect(await daemon.waitForExit() == 0)
                #expect(leaks(daemon.log, services).isEmpty)
            }
        }
    }
}
