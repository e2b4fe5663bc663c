import Crypto
import Foundation

/// FlexPrice's secret format (DESIGN §3): AES-256-GCM, stored as standard padded base64 of
/// `nonce(12) || ciphertext || tag(16)`, no additional authenticated data.
///
/// The key is the UTF-8 bytes of `FLEXPRICE_SECRETS_ENCRYPTION_KEY` when they are exactly 32
/// bytes long, otherwise their SHA-256 (a hex string is hashed, not decoded), which is what
/// FlexPrice's Go code does; matching it byte for byte is what lets us read its connections.
public struct SecretBox: Sendable {
    /// Why a stored value could not be opened. Deliberately carries no part of the value.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notBase64
        case tooShort
        case authenticationFailed
        case notUTF8

        public var description: String {
            switch self {
            case .notBase64: "is not valid base64"
            case .tooShort: "is too short to hold a nonce and a tag"
            case .authenticationFailed: "failed authentication (wrong key, or the value was altered or truncated)"
            case .notUTF8: "did not decrypt to UTF-8 text"
            }
        }
    }

    private let key: SymmetricKey

    public init(encryptionKey: String) {
        let bytes = Array(encryptionKey.utf8)
        if bytes.count == 32 {
            key = SymmetricKey(data: bytes)
        } else {
            key = SymmetricKey(data: SHA256.hash(data: bytes))
        }
    }

    /// Opens a stored value. The empty string stands for the empty secret.
    public func decrypt(_ stored: String) throws(Failure) -> String {
        if stored.isEmpty { return "" }
        guard let data = Data(base64Encoded: stored) else { throw .notBase64 }
        guard data.count >= 12 + 16 else { throw .tooShort }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            plaintext = try AES.GCM.open(box, using: key)
        } catch {
            throw .authenticationFailed
        }
        guard let text = String(data: plaintext, encoding: .utf8) else { throw .notUTF8 }
        return text
    }

    /// Seals a value the way FlexPrice does. `nonce` is for tests; production uses a random one.
    public func encrypt(_ plaintext: String, nonce: AES.GCM.Nonce = AES.GCM.Nonce()) -> String {
        if plaintext.isEmpty { return "" }
        // Sealing with a valid key and a 12-byte nonce cannot fail; `combined` is non-nil for
        // 12-byte nonces. Both are guarded anyway so no outside input can crash us.
        guard let box = try? AES.GCM.seal(Array(plaintext.utf8), using: key, nonce: nonce),
              let combined = box.combined else { return "" }
        return combined.base64EncodedString()
    }
}
