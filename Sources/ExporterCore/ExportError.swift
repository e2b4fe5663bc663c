/// Why a run or a connection failed, in the vocabulary `export_runs.error_code` uses (DESIGN §7).
///
/// Every message names the connection and the field or operation so an operator can act on it,
/// and never contains a secret: callers pass field names and S3's own messages, not values.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A connection's settings are missing or malformed.
    case config(connection: String, field: String, problem: String)
    /// A FlexPrice scheduled task of a connection cannot be exported as defined (its `job_config`,
    /// `entity_type` or `interval`); `field` names the column or the `job_config` key.
    case taskConfig(connection: String, task: String, field: String, problem: String)
    /// A credential could not be decrypted with FLEXPRICE_SECRETS_ENCRYPTION_KEY.
    case decryption(connection: String, field: String, problem: String)
    /// PostgreSQL refused or failed a query.
    case database(String)
    /// S3 answered with an error code (`AccessDenied`, `NoSuchBucket`, ...).
    case s3(code: String, message: String)
    /// The network failed before S3 answered.
    case network(String)
    /// A row could not be written in the connection's format: a value the file's column type
    /// cannot hold (the message names the column and the type, never the value).
    case encoding(String)
    /// The daemon was stopping and the run was abandoned.
    case shutdown(String)
    /// A Delta table's log cannot be used or committed to (the message names the table's
    /// location and the commit).
    case delta(String)
    /// A bug or an unexpected state.
    case `internal`(String)

    /// The `error_code` column value.
    public var code: String {
        switch self {
        case .config, .taskConfig: "config"
        case .decryption: "decryption"
        case .database: "database"
        case .s3(let code, _): "s3:\(code)"
        case .network: "network"
        case .encoding: "encoding"
        case .shutdown: "shutdown"
        case .delta: "delta"
        case .internal: "internal"
        }
    }

    /// The `error_message` column value: one sentence a person can act on.
    public var message: String {
        switch self {
        case .config(let connection, let field, let problem):
            "connection \(connection): sync_config field \(field) \(problem)"
        case .taskConfig(let connection, let task, let field, let problem):
            "connection \(connection), scheduled task \(task): \(field) \(problem)"
        case .decryption(let connection, let field, let problem):
            "connection \(connection): the credentials could not be decrypted (encrypted_secret_data.\(field) \(problem)); check FLEXPRICE_SECRETS_ENCRYPTION_KEY"
        case .database(let message): message
        case .s3(let code, let message): "S3 \(code): \(message)"
        case .network(let message): message
        case .encoding(let message): message
        case .shutdown(let message): message
        case .delta(let message): message
        case .internal(let message): message
        }
    }

    public var description: String { "\(code): \(message)" }
}
