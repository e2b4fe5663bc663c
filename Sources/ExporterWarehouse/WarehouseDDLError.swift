import ExporterCore

/// The engine cannot read what the connection writes. The fix is a setting of the connection
/// (its `format` or `compression`), so the message names the connection, the field and the
/// value to choose instead.
public struct WarehouseDDLError: Error, Sendable, Hashable, CustomStringConvertible {
    public let connectionID: String
    public let field: String
    public let problem: String

    public init(connectionID: String, field: String, problem: String) {
        self.connectionID = connectionID
        self.field = field
        self.problem = problem
    }

    public var description: String {
        "connection \(connectionID): sync_config.s3.\(field) \(problem)"
    }
}
