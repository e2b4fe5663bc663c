import ExporterSystem
import Foundation
import Testing

/// Secrets from files (issue 25): `<KEY>_FILE`, a systemd credential in `$CREDENTIALS_DIRECTORY`,
/// which wins over which, and errors that name the variable and the path, never the contents.
struct SecretFileTests {
    static let secret = "s3cr3t-Value-that-must-not-leak"

    /// A fresh folder, removed afterwards.
    func withFolder(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secret-file-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body(folder)
    }

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The error `body` throws, or nil.
    func failure(_ body: () throws -> Void) -> SecretFileError? {
        do {
            try body()
            return nil
        } catch {
            return error as? SecretFileError
        }
    }

    @Test(arguments: [("\(secret)\n", secret), ("\(secret)\r\n", secret), (secret, secret), ("\(secret)\n\n", "\(secret)\n"),
                      (" spaced key \n", " spaced key ")])
    func oneTrailingLineBreakIsRemoved(_ contents: String, _ expected: String) throws {
        try withFolder { folder in
            try write(contents, to: folder + "/key")
            #expect(try SecretFile.read(path: folder + "/key", namedBy: "KEY_FILE") == expected)
        }
    }

    @Test func theFileVariableIsRead() throws {
        try withFolder { folder in
            try write(Self.secret + "\n", to: folder + "/key")
            let resolved = try SecretFile.resolve("FLEXPRICE_SECRETS_ENCRYPTION_KEY",
                                                  lookup: { $0 == "FLEXPRICE_SECRETS_ENCRYPTION_KEY_FILE" ? folder + "/key" : nil },
                                                  credentialsDirectory: nil)
            #expect(resolved?.value == Self.secret)
            #expect(resolved?.origin == .file(variable: "FLEXPRICE_SECRETS_ENCRYPTION_KEY_FILE", path: folder + "/key"))
            #expect(resolved?.warning == nil)
        }
    }

    @Test func aSystemdCredentialIsReadWhenNothingElseIsSet() throws {
        try withFolder { folder in
            try write(Self.secret, to: folder + "/DATABASE_URL")
            let resolved = try SecretFile.resolve("DATABASE_URL", lookup: { _ in nil }, credentialsDirectory: folder)
            #expect(resolved?.value == Self.secret)
            #expect(resolved?.origin == .credential(path: folder + "/DATABASE_URL"))
            // No credential of that name: unset, not an error.
            #expect(try SecretFile.resolve("FLEXPRICE_SECRETS_ENCRYPTION_KEY", lookup: { _ in nil }, credentialsDirectory: folder) == nil)
            #expect(try SecretFile.resolve("DATABASE_URL", lookup: { _ in nil }, credentialsDirectory: nil) == nil)
        }
    }

    /// The setting (or its _FILE) wins over a credential, with a warning that says so.
    @Test func anExplicitSettingWinsOverACredentialWithAWarning() throws {
        try withFolder { folder in
            try write("from-credential", to: folder + "/DATABASE_URL")
            let resolved = try SecretFile.resolve("DATABASE_URL", lookup: { $0 == "DATABASE_URL" ? "postgres://direct" : nil },
                                                  credentialsDirectory: folder)
            #expect(resolved?.value == "postgres://direct")
            #expect(resolved?.warning == "the systemd credential \(folder)/DATABASE_URL is not used: DATABASE_URL is set, and wins")
        }
    }

    @Test func bothTheSettingAndItsFileIsAnError() throws {
        let refused = failure {
            _ = try SecretFile.resolve("DATABASE_URL", lookup: { ["DATABASE_URL": "a", "DATABASE_URL_FILE": "/x"][$0] },
                                       credentialsDirectory: nil)
        }
        #expect(refused == .bothSet(key: "DATABASE_URL"))
        #expect(refused?.description
            == "DATABASE_URL and DATABASE_URL_FILE are both set: set one of them (DATABASE_URL_FILE keeps the secret out of the environment and the config file)")
    }

    /// Each refusal names the variable and the path, and never holds the file's bytes.
    @Test func refusalsNameTheVariableAndPathOnly() throws {
        try withFolder { folder in
            let missing = folder + "/missing"
            #expect(throws: SecretFileError.unreadable(path: missing, namedBy: "DATABASE_URL_FILE", errno: ENOENT)) {
                try SecretFile.read(path: missing, namedBy: "DATABASE_URL_FILE")
            }
            #expect(SecretFileError.unreadable(path: missing, namedBy: "DATABASE_URL_FILE", errno: ENOENT).description
                == "DATABASE_URL_FILE names \(missing), which does not exist")
            #expect(throws: SecretFileError.directory(path: folder, namedBy: "DATABASE_URL_FILE")) {
                try SecretFile.read(path: folder, namedBy: "DATABASE_URL_FILE")
            }
            #expect(SecretFileError.directory(path: folder, namedBy: "DATABASE_URL_FILE").description
                == "DATABASE_URL_FILE names \(folder), which is a directory: name the file holding the secret")
            try write("", to: folder + "/empty")
            try write("\n", to: folder + "/newline")
            for name in ["empty", "newline"] {
                #expect(throws: SecretFileError.empty(path: "\(folder)/\(name)", namedBy: "K_FILE")) {
                    try SecretFile.read(path: "\(folder)/\(name)", namedBy: "K_FILE")
                }
            }
            #expect(SecretFileError.empty(path: "/p", namedBy: "K_FILE").description == "K_FILE names /p, which is empty")
            try Data([0x41, 0xFF, 0xFE] + Array(Self.secret.utf8)).write(to: URL(fileURLWithPath: folder + "/binary"))
            #expect(throws: SecretFileError.notUTF8(path: folder + "/binary", namedBy: "K_FILE")) {
                try SecretFile.read(path: folder + "/binary", namedBy: "K_FILE")
            }
            #expect(SecretFileError.notUTF8(path: "/p", namedBy: "K_FILE").description == "K_FILE names /p, which is not UTF-8 text")
            try write(String(repeating: Self.secret, count: 3_000), to: folder + "/large")
            #expect(throws: SecretFileError.tooLarge(path: folder + "/large", namedBy: "K_FILE")) {
                try SecretFile.read(path: folder + "/large", namedBy: "K_FILE")
            }
            #expect(SecretFileError.tooLarge(path: "/p", namedBy: "K_FILE").description
                == "K_FILE names /p, which is larger than 64 KiB: not a secret file")
            #expect(throws: SecretFileError.notRegular(path: "/dev/null", namedBy: "K_FILE")) {
                try SecretFile.read(path: "/dev/null", namedBy: "K_FILE")
            }
            #expect(SecretFileError.notRegular(path: "/dev/null", namedBy: "K_FILE").description
                == "K_FILE names /dev/null, which is not a regular file")
        }
    }

    /// Root reads any file, so this runs for other users only.
    @Test(.enabled(if: getuid() != 0, "root may read any file")) func anUnreadableFileIsNamed() throws {
        try withFolder { folder in
            try write(Self.secret, to: folder + "/locked")
            chmod(folder + "/locked", 0)
            #expect(failure { _ = try SecretFile.read(path: folder + "/locked", namedBy: "K_FILE") }?.description
                == "K_FILE names \(folder)/locked, which this user may not read: permission denied")
        }
    }
}
