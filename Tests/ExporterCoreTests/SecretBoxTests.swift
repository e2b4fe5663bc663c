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

    /// How a key is interpreted, told apart with literal vectors made independently (Python's
    /// `cryptography`, nonce 01 02 ... 0c): each key's value sealed under the interpretation
    /// DESIGN §3 prescribes and under the wrong one. SecretBox must open the first, refuse the
    /// second, and seal to exactly the first.
    struct KeyVector: Sendable, CustomTestStringConvertible {
        let key: String
        let plaintext: String
        /// Sealed with the right interpretation: raw bytes if 32 long, else their SHA-256.
        let right: String
        /// Sealed with the wrong one: a 32-byte key hashed, a 16-byte key raw (AES-128), a
        /// 64-character hex key hex-decoded, a 33-byte key cut to its first 32 bytes.
        let wrong: String
        /// The AES key of the wrong interpretation, to check the vector itself with swift-crypto.
        let wrongKey: [UInt8]
        var testDescription: String { "\(key.utf8.count)-byte key" }
    }

    static let nonce: [UInt8] = Array(1...12)

    static let keyVectors: [KeyVector] = [
        KeyVector(key: "0123456789abcdef0123456789abcdef", plaintext: "raw 32-byte key",
                  right: "AQIDBAUGBwgJCgsMfIlmDhPO0NV65V/t6G+IT27rUVtP7HbiaQYtj8ONBg==",
                  wrong: "AQIDBAUGBwgJCgsMtvR9jPff7gj0ZbnWtb6awIAFykuf7w9jVvXZMRz6sA==",
                  wrongKey: Array(SHA256.hash(data: Array("0123456789abcdef0123456789abcdef".utf8)))),
        KeyVector(key: "sixteen-byte-key", plaintext: "sixteen hashed",
                  right: "AQIDBAUGBwgJCgsMqVED0ZU+jtqwxpd4yVqe0bCzhzXJcggHbXUz1egM",
                  wrong: "AQIDBAUGBwgJCgsMyP2WWu0ptO8NvGDWbNyKLr49tS7htc/27IlmcxWp",
                  wrongKey: Array("sixteen-byte-key".utf8)),
        KeyVector(key: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", plaintext: "hex is hashed",
                  right: "AQIDBAUGBwgJCgsM9SE/JqhthpqOVftVxzd16ZaiUT7/IQUwe0LzEkc=",
                  wrong: "AQIDBAUGBwgJCgsMEhd9gIFkhSmLi9OkCMnfL1dPXy0GUWfB/EdGGT0=",
                  wrongKey: [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
                             0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]),
        KeyVector(key: "0123456789abcdef0123456789abcdef!", plaintext: "thirty-three",
                  right: "AQIDBAUGBwgJCgsMHfx/ADdsppM1gtDg6P1AL6AgLOBQqCVnPvoV8w==",
                  wrong: "AQIDBAUGBwgJCgsMeoB4XFSF0MNr41+on/mCSFfYHCz6z6fHdwcsog==",
                  wrongKey: Array("0123456789abcdef0123456789abcdef".utf8)),
    ]

    /// The AES key DESIGN §3 prescribes, computed here with swift-crypto, not by SecretBox.
    static func designKey(_ key: String) -> SymmetricKey {
        let bytes = Array(key.utf8)
        return bytes.count == 32 ? SymmetricKey(data: bytes) : SymmetricKey(data: SHA256.hash(data: bytes))
    }

    static func openSealed(_ stored: String, with key: SymmetricKey) throws -> String {
        let combined = try #require(Data(base64Encoded: stored))
        return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key), as: UTF8.self)
    }

    @Test(arguments: keyVectors)
    func theKeyIsUsedRawOnlyWhenItIs32BytesLong(_ vector: KeyVector) throws {
        // The vectors themselves: each opens under its own interpretation and not the other.
        #expect(try Self.openSealed(vector.right, with: Self.designKey(vector.key)) == vector.plaintext)
        #expect(throws: (any Error).self) { try Self.openSealed(vector.right, with: SymmetricKey(data: vector.wrongKey)) }
        #expect(try Self.openSealed(vector.wrong, with: SymmetricKey(data: vector.wrongKey)) == vector.plaintext)
        #expect(throws: (any Error).self) { try Self.openSealed(vector.wrong, with: Self.designKey(vector.key)) }

        let box = SecretBox(encryptionKey: vector.key)
        #expect(try box.decrypt(vector.right) == vector.plaintext)
        #expect(throws: SecretBox.Failure.authenticationFailed) { try box.decrypt(vector.wrong) }
        let nonce = try AES.GCM.Nonce(data: Self.nonce)
        #expect(box.encrypt(vector.plaintext, nonce: nonce) == vector.right)
    }

    @Test func the32ByteFixtureVectorWasMadeWithTheRawKey() throws {
        let vector = try #require(Self.vectors.first { $0.key.utf8.count == 32 })
        #expect(try Self.openSealed(vector.ciphertext, with: SymmetricKey(data: Array(vector.key.utf8))) == vector.plaintext)
        #expect(throws: (any Error).self) {
            try Self.openSealed(vector.ciphertext, with: SymmetricKey(data: SHA256.hash(data: Array(vector.key.utf8))))
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
