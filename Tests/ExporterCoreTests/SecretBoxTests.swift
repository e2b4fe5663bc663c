import Crypto
import ExporterCore
import Foundation
import Testing

/// FlexPrice's AES-256-GCM secret format (DESIGN §3), against vectors made by FlexPrice-compatible
/// code (Fixtures/flexprice-secrets.json, copied from the project's shared test data).
struct SecretBoxTests {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        let key: String
        let plaintext: String
        let ciphertext: String
        var testDescription: String { "\(plaintext.prefix(8))... with a \(key.utf8.count)-byte key" }
    }

    static let vectors: [Vector] = {
        struct File: Decodable { let vectors: [Vector] }
        guard let url = Bundle.module.url(forResource: "Fixtures/flexprice-secrets", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.vectors
    }()

    @Test func fixtureHasVectors() {
        #expect(Self.vectors.count == 3)
    }

    @Test(arguments: vectors)
    func decryptsFlexPriceVector(_ vector: Vector) throws {
        #expect(try SecretBox(encryptionKey: vector.key).decrypt(vector.ciphertext) == vector.plaintext)
    }

    @Test(arguments: vectors)
    func encryptionWithTheVectorsNonceGivesTheVectorsCiphertext(_ vector: Vector) throws {
        let combined = try #require(Data(base64Encoded: vector.ciphertext))
        let nonce = try AES.GCM.Nonce(data: combined.prefix(12))
        #expect(SecretBox(encryptionKey: vector.key).encrypt(vector.plaintext, nonce: nonce) == vector.ciphertext)
    }

    @Test func roundTripsWithRandomNonces() throws {
        let box = SecretBox(encryptionKey: "a key that is not 32 bytes long")
        for plaintext in ["x", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "ünïcødé ☕", String(repeating: "k", count: 1000)] {
            let first = box.encrypt(plaintext)
            let second = box.encrypt(plaintext)
            #expect(first != second, "each encryption uses a fresh nonce")
            #expect(try box.decrypt(first) == plaintext)
            #expect(try box.decrypt(second) == plaintext)
        }
    }

    @Test func emptyStandsForEmpty() throws {
        let box = SecretBox(encryptionKey: "k")
        #expect(box.encrypt("") == "")
        #expect(try box.decrypt("") == "")
    }

    @Test func a32ByteKeyIsUsedAsIsAndOthersAreHashed() throws {
        // The third vector's key is exactly 32 bytes: decrypting with its SHA-256 must fail.
        let vector = try #require(Self.vectors.first { $0.key.utf8.count == 32 })
        let hashedKeyHex = SHA256.hash(data: Array(vector.key.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(throws: SecretBox.Failure.authenticationFailed) {
            try SecretBox(encryptionKey: String(hashedKeyHex.prefix(31))).decrypt(vector.ciphertext)
        }
        #expect(try SecretBox(encryptionKey: vector.key).decrypt(vector.ciphertext) == vector.plaintext)
    }

    @Test func wrongKeyFailsAuthentication() throws {
        let vector = try #require(Self.vectors.first)
        #expect(throws: SecretBox.Failure.authenticationFailed) {
            try SecretBox(encryptionKey: "not-the-key").decrypt(vector.ciphertext)
        }
    }

    @Test func tamperedCiphertextFailsAuthentication() throws {
        let vector = try #require(Self.vectors.first)
        var bytes = try #require(Data(base64Encoded: vector.ciphertext))
        bytes[14] ^= 0x01
        #expect(throws: SecretBox.Failure.authenticationFailed) {
            try SecretBox(encryptionKey: vector.key).decrypt(bytes.base64EncodedString())
        }
    }

    @Test func truncatedCiphertextIsRefused() throws {
        let vector = try #require(Self.vectors.first)
        let bytes = try #require(Data(base64Encoded: vector.ciphertext))
        #expect(throws: SecretBox.Failure.authenticationFailed) {
            try SecretBox(encryptionKey: vector.key).decrypt(bytes.dropLast(1).base64EncodedString())
        }
        #expect(throws: SecretBox.Failure.tooShort) {
            try SecretBox(encryptionKey: vector.key).decrypt(bytes.prefix(20).base64EncodedString())
        }
    }

    @Test func nonBase64IsRefused() {
        #expect(throws: SecretBox.Failure.notBase64) {
            try SecretBox(encryptionKey: "k").decrypt("this is not base64!")
        }
    }
}
