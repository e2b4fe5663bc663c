extension ExportError {
    /// The error with `connection` named where it was left empty: layers below the engine (the
    /// S3 endpoint and its policy) know a connection's settings but not its id.
    public func naming(connection: String) -> ExportError {
        switch self {
        case .config(let c, let field, let problem) where c.isEmpty:
            .config(connection: connection, field: field, problem: problem)
        case .decryption(let c, let field, let problem) where c.isEmpty:
            .decryption(connection: connection, field: field, problem: problem)
        default: self
        }
    }
}
