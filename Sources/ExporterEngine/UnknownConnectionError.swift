/// `--connection ID` names no connection the exporter could export: a usage error (exit 64),
/// the same for every command, instead of an empty report that looks like success.
public struct UnknownConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let connectionID: String

    public init(connectionID: String) {
        self.connectionID = connectionID
    }

    public var description: String {
        "connection \(connectionID): no published connection with provider_type s3 has this id"
    }
}
