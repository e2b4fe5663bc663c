import ArgumentParser
import ExporterCore
import Foundation

/// `encrypt-secret`: reads a secret on standard input and prints it in FlexPrice's format, so
/// operators can write `encrypted_secret_data` without passing secrets as arguments.
struct EncryptSecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt-secret",
        abstract: "Encrypt standard input with FLEXPRICE_SECRETS_ENCRYPTION_KEY (prints the ciphertext).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run {
            let settings = try await SettingsLoader.load(global)
            // No logger here: standard output is the ciphertext's, so the warnings go to standard error.
            for warning in settings.warnings { CommandRunner.printError("warning: \(warning)") }
            let key = try settings.requireEncryptionKey()
            var input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            // A trailing newline from `echo` or a terminal is not part of the secret. "\r\n" is one
            // Character in Swift, so one removeLast takes either ending off (and nothing else).
            if let last = input.last, last == "\n" || last == "\r\n" { input.removeLast() }
            // An empty secret is a mistake (nothing piped in, or an unset variable), never a
            // credential: refuse it rather than print a ciphertext of nothing.
            guard !input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw Failure.usage("standard input is empty: pipe the secret in, e.g. `printf %s \"$SECRET\" | flexprice-exporter encrypt-secret`")
            }
            print(SecretBox(encryptionKey: key).encrypt(input))
        }
    }
}
