/// Which S3 endpoints the exporter may send requests to (issue 25: a tenant's `endpoint_url`
/// must not reach inside the machine or its network).
///
/// Tenants write `endpoint_url` through FlexPrice's API, and a row can also be written by hand or
/// by an older FlexPrice: the daemon must not send signed requests wherever it points. Every
/// address the endpoint's host resolves to is judged here, before any connection is made, and
/// the connection is then made to those addresses only (``EndpointRule`` lists the classes).
/// Link-local, metadata, unspecified, multicast and reserved addresses are always refused;
/// loopback and private networks only with ``allowPrivate`` (an operator's own MinIO), plain
/// HTTP only with ``allowHTTP``. AWS's own endpoints (no `endpoint_url`) are judged with
/// ``forAWS``: a VPC interface endpoint legitimately resolves to private addresses.
public struct EndpointPolicy: Sendable, Hashable {
    /// EXPORTER_ALLOW_PRIVATE_ENDPOINTS: loopback, RFC 1918, 100.64.0.0/10 and fc00::/7 allowed.
    public var allowPrivate: Bool
    /// EXPORTER_ALLOW_HTTP_ENDPOINTS: `http://` endpoints allowed.
    public var allowHTTP: Bool

    public init(allowPrivate: Bool = false, allowHTTP: Bool = false) {
        self.allowPrivate = allowPrivate
        self.allowHTTP = allowHTTP
    }

    /// The policy for AWS's own host names (no `endpoint_url`): the always-refused classes still
    /// apply, private addresses do not (PrivateLink and VPC endpoints resolve to them).
    public var forAWS: EndpointPolicy { EndpointPolicy(allowPrivate: true, allowHTTP: allowHTTP) }

    /// The rule that refuses `scheme` (lowercase), if any.
    public func refusal(scheme: String) -> EndpointRule? {
        scheme == "http" && !allowHTTP ? .plainHTTP : nil
    }

    /// The rule that refuses a connection to `address`, if any.
    public func refusal(_ address: IPAddress) -> EndpointRule? {
        guard let rule = Self.classify(address) else { return nil }
        if rule.alwaysRefused { return rule }
        return allowPrivate ? nil : rule
    }

    /// The class an address belongs to; nil for a public unicast address. The metadata addresses
    /// come first: they lie inside ranges (169.254.0.0/16, 100.64.0.0/10, fc00::/7) that would
    /// otherwise name them less precisely or, for the last two, let `allowPrivate` admit them.
    public static func classify(_ address: IPAddress) -> EndpointRule? {
        switch address {
        case .v4(let a): return classifyIPv4(a)
        case .v6(let b):
            guard b.count == 16 else { return .reserved }
            if let v4 = address.embeddedIPv4, let rule = classifyIPv4(v4) { return rule }
            if b == [0xFD, 0x00, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54] { return .metadata }
            if b.allSatisfy({ $0 == 0 }) { return .unspecified }
            if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }
            if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .linkLocal }
            if b[0] == 0xFF { return .multicast }
            if Array(b[0..<6]) == [0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01] { return .reserved }
            if b[0] & 0xFE == 0xFC { return .privateNetwork }
            if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return .privateNetwork }
            return nil
        }
    }

    private static func classifyIPv4(_ a: UInt32) -> EndpointRule? {
        func inRange(_ base: UInt32, _ bits: UInt32) -> Bool {
            let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
            return a & mask == base
        }
        if a == 0xA9FE_A9FE || a == 0x6464_64C8 { return .metadata }   // 169.254.169.254, 100.100.100.200
        if inRange(0xA9FE_0000, 16) { return .linkLocal }             // 169.254.0.0/16
        if inRange(0x0000_0000, 8) { return .unspecified }            // 0.0.0.0/8
        if inRange(0xE000_0000, 4) || a == 0xFFFF_FFFF { return .multicast } // 224.0.0.0/4, broadcast
        if inRange(0xF000_0000, 4) { return .reserved }               // 240.0.0.0/4
        if inRange(0x7F00_0000, 8) { return .loopback }               // 127.0.0.0/8
        if inRange(0x0A00_0000, 8) || inRange(0xAC10_0000, 12) || inRange(0xC0A8_0000, 16)
            || inRange(0x6440_0000, 10) { return .privateNetwork }    // 10/8, 172.16/12, 192.168/16, 100.64/10
        return nil
    }
}
