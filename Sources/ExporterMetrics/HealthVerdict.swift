/// What `/healthz` answers: healthy (HTTP 200) or not (503), and a one-line reason a person can
/// act on, which is the response body.
public struct HealthVerdict: Sendable, Hashable, CustomStringConvertible {
    public var healthy: Bool
    public var reason: String

    public init(healthy: Bool, reason: String) {
        self.healthy = healthy
        self.reason = reason
    }

    public var statusCode: Int { healthy ? 200 : 503 }

    public var description: String { "\(statusCode) \(reason)" }
}
