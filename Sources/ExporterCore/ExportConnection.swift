import SigV4

/// One row of FlexPrice's `connections` table with `provider_type = 's3'` and
/// `status = 'published'`, as read: the JSON columns are kept as text and interpreted on
/// demand, so a malformed row fails only its own connection, with a message naming the field.
public struct ExportConnection: Sendable, Hashable, CustomStringConvertible {
    public let id: String
    public let tenantID: String
    public let environmentID: String
    public let name: String
    /// `sync_config` as JSON text (nil for SQL NULL).
    public let syncConfig: String?
    /// `encrypted_secret_data` as JSON text (nil for SQL NULL). Holds ciphertexts only.
    public let encryptedSecretData: String?
    /// `updated_at`, microseconds since the epoch: a problem with the connection is recorded
    /// again when the tenant edits it, even if the error reads the same.
    public let updatedAtMicros: Int64?

    public init(id: String, tenantID: String, environmentID: String, name: String,
                syncConfig: String?, encryptedSecretData: String?, updatedAtMicros: Int64? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.environmentID = environmentID
        self.name = name
        self.syncConfig = syncConfig
        self.encryptedSecretData = encryptedSecretData
        self.updatedAtMicros = updatedAtMicros
    }

    /// The validated `sync_config.s3`.
    public func settings() throws(ExportError) -> ConnectionSettings {
        try ConnectionSettings.parse(syncConfig: syncConfig, connection: id)
    }

    /// Decrypts the AWS credentials. Both shapes FlexPrice writes are read: the fields at the top
    /// level of `encrypted_secret_data`, or nested under `"s3"`.
    public func credentials(using box: SecretBox) throws(ExportError) -> AWSCredentials {
        func fail(_ field: String, _ problem: String) -> ExportError {
            .decryption(connection: id, field: field, problem: problem)
        }
        guard let text = encryptedSecretData else { throw fail("", "is missing (NULL)") }
        guard let root = JSONValue.parse(text), case .object = root else {
            throw fail("", "is not a JSON object")
        }
        var fields = root
        var path = ""
        if let nested = root["s3"], case .object = nested {
            fields = nested
            path = "s3."
        }
        func open(_ name: String, required: Bool) throws(ExportError) -> String? {
            guard let value = fields[name] else {
                if required { throw fail(path + name, "is missing") }
                return nil
            }
            guard case .string(let stored) = value else { throw fail(path + name, "is \(value.kind), not a string") }
            do {
                return try box.decrypt(stored)
            } catch {
                throw fail(path + name, error.description)
            }
        }
        guard let accessKey = try open("aws_access_key_id", required: true), !accessKey.isEmpty else {
            throw fail(path + "aws_access_key_id", "is empty")
        }
        guard let secretKey = try open("aws_secret_access_key", required: true), !secretKey.isEmpty else {
            throw fail(path + "aws_secret_access_key", "is empty")
        }
        let token = try open("aws_session_token", required: false)
        return AWSCredentials(accessKeyID: accessKey, secretAccessKey: secretKey,
                              sessionToken: token?.isEmpty == false ? token : nil)
    }

    /// Identifies the connection without any secret or settings.
    public var description: String { "connection \(id) (tenant \(tenantID), environment \(environmentID.isEmpty ? "''" : environmentID))" }
}
