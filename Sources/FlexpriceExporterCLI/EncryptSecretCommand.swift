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
            let key = try settings.requireEncryptionKey()
            var input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            // A trailing newline from `echo` or a terminal is not part of the secret.
            if input.hasSuffix("\r\n") { input.removeLast(2) } else if input.hasSuffix("\n") { input.removeLast() }
            print(SecretBox(encryptionKey: key).encrypt(input))
        }
    }
}
