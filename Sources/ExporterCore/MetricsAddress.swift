/// Where `run` serves `/metrics` and `/healthz` (EXPORTER_METRICS_ADDRESS, DESIGN §7).
///
/// Written `host:port`, with an IPv6 host in brackets (`[::1]:9464`) so its colons do not read
/// as the port's. The port is explicit and never 0: Prometheus must know where to scrape, and a
/// port the kernel picks would be printed nowhere an operator looks.
public struct MetricsAddress: Sendable, Hashable, CustomStringConvertible {
    /// A host name or an IP address, without brackets.
    public let host: String
    public let port: Int

    /// The default: loopback only, so the systemd unit's hardening holds and nothing outside the
    /// machine sees the figures unless the operator says so.
    public static let defaultAddress = MetricsAddress(host: "127.0.0.1", port: 9464)

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port` as it is written in the setting (IPv6 hosts in brackets).
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Parses the setting's value: `off` (any case) is nil, meaning no listener.
    /// - Throws: ``SettingsError/invalid(name:problem:)`` naming EXPORTER_METRICS_ADDRESS.
    public static func parse(_ text: String, key: String = "EXPORTER_METRICS_ADDRESS") throws(SettingsError) -> MetricsAddress? {
        if text.lowercased() == "off" { return nil }
        func invalid(_ problem: String) -> SettingsError {
            .invalid(name: key, problem: "\(problem), got \"\(text.prefix(64))\" (write host:port, [ipv6]:port or off)")
        }
        guard !text.contains("/") else { throw invalid("takes no scheme or path") }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("has an unclosed [") }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else { throw invalid("needs :port after the bracketed address") }
            portText = rest.dropFirst()
            guard host.contains(":") else { throw invalid("brackets are for IPv6 addresses") }
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw invalid("needs a port") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { throw invalid("needs brackets around an IPv6 address, as in [::1]:9464") }
        }
        guard !host.isEmpty else { throw invalid("needs a host (0.0.0.0 or [::] to listen on every interface)") }
        guard !host.contains(where: { $0.isWhitespace || $0 == "[" || $0 == "]" }) else {
            throw invalid("has a malformed host")
        }
        guard portText.allSatisfy(\.isASCII), let port = Int(portText), (1...65_535).contains(port) else {
            throw invalid("needs a port from 1 to 65535")
        }
        return MetricsAddress(host: String(host), port: port)
    }
}
