/// The long-term or temporary (STS) key pair a request is signed with.
///
/// Kept separate from ``SigV4Signer`` so credentials can be loaded, rotated and passed around
/// on their own, and so the one place that knows the secret also controls how it is printed:
/// `description`, `debugDescription` and the reflection mirror (used by `dump` and by string
/// interpolation of containing values) show only the access key ID, which AWS itself treats as
/// non-secret, and never the secret access key or the session token. That way a stray
/// `logger.info("\(config)")` cannot leak a key into logs.
public struct AWSCredentials: Sendable {
    /// Identifies the key pair; it appears in the `Credential=` part of every `Authorization`
    /// header, so it is not secret and is the only field shown when printing.
    public var accessKeyID: String

    /// Never sent: it only seeds the signing-key derivation (the `kSecret` of the spec).
    public var secretAccessKey: String

    /// Present for temporary credentials from AWS STS; S3 requires it as a signed
    /// `x-amz-security-token` header, which ``SigV4Signer`` adds whenever this is set.
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

extension AWSCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Redacted so credentials can be logged or interpolated without leaking the secret or token.
    public var description: String {
        let token = sessionToken == nil ? "nil" : "<redacted>"
        return "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>, sessionToken: \(token))"
    }

    /// Same redaction as ``description``: `debugPrint` and `String(reflecting:)` end up in logs too.
    public var debugDescription: String {
        description
    }

    /// Without this, `dump(credentials)` and reflection-based printing of enclosing types would
    /// walk the stored properties and print the secret.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyID": accessKeyID,
                "secretAccessKey": "<redacted>",
                "sessionToken": sessionToken == nil ? "nil" : "<redacted>",
            ],
            displayStyle: .struct
        )
    }
}
