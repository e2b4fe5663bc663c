import ArgumentParser
import ExporterCore
import ExporterEngine
import Foundation

/// `check`: per connection, decrypt the credentials, reach the bucket, and probe a write
/// (exit 1 when any connection fails). It changes no schema: without `migrate` it says so (78).
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
            let connection = connection
            let checks = try await Runtime.withEngine(settings, encryptionKey: key, logger: logger, schema: .verify) { engine in
                try await engine.check(connectionID: connection, now: Int64(Date().timeIntervalSince1970))
            }
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
}
