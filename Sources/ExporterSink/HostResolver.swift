import ExporterCore

/// Turns a host name into the addresses a connection to it could reach. The endpoint policy
/// judges every one of them; tests substitute a resolver that answers what they need without DNS.
public protocol HostResolver: Sendable {
    /// Every address `host` resolves to, in the order a connection would try them.
    /// - Throws: ``HostResolutionError`` when the name does not resolve.
    func addresses(of host: String, port: Int) async throws -> [IPAddress]
}

/// A host name that did not resolve. A `network` failure of the request (retried like one), not a
/// configuration error: DNS may answer next time.
public struct HostResolutionError: Error, Sendable, CustomStringConvertible {
    public let host: String
    public let reason: String

    public init(host: String, reason: String) {
        self.host = host
        self.reason = reason
    }

    public var description: String { "the host name \(host) could not be resolved: \(reason)" }
}
