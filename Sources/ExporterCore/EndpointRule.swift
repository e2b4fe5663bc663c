/// Why the endpoint policy refuses an S3 endpoint: the class of address its host points at, or
/// its scheme. Each names its ranges and whether an operator setting lifts it, so the sentence a
/// tenant reads in `export_runs.error_message` says what to change.
public enum EndpointRule: String, Sendable, Hashable, CaseIterable {
    /// 169.254.169.254 (AWS, GCP, Azure, OpenStack), fd00:ec2::254 (AWS over IPv6), 100.100.100.200
    /// (Alibaba Cloud): instance metadata services, which hand out the machine's own credentials.
    case metadata
    /// 169.254.0.0/16, fe80::/10.
    case linkLocal
    /// 0.0.0.0/8 and `::`: on Linux a connection to them reaches the machine itself.
    case unspecified
    /// 224.0.0.0/4, 255.255.255.255, ff00::/8.
    case multicast
    /// 240.0.0.0/4 (reserved) and 64:ff9b:1::/48 (local-use NAT64, RFC 8215, which may translate
    /// to any IPv4 address, private ones included).
    case reserved
    /// 127.0.0.0/8, ::1.
    case loopback
    /// 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918), 100.64.0.0/10 (shared address space,
    /// RFC 6598), fc00::/7 (unique local) and fec0::/10 (the deprecated site-local).
    case privateNetwork
    /// A plain-HTTP endpoint: requests, signatures and data cross the network unencrypted.
    case plainHTTP

    /// Refused whatever the operator allows.
    public var alwaysRefused: Bool {
        switch self {
        case .metadata, .linkLocal, .unspecified, .multicast, .reserved: true
        case .loopback, .privateNetwork, .plainHTTP: false
        }
    }

    /// The operator setting that lifts the rule, if any.
    public var optIn: String? {
        switch self {
        case .loopback, .privateNetwork: "EXPORTER_ALLOW_PRIVATE_ENDPOINTS"
        case .plainHTTP: "EXPORTER_ALLOW_HTTP_ENDPOINTS"
        default: nil
        }
    }

    /// What the endpoint does, and the rule: completes "s3.endpoint_url ...".
    public var problem: String {
        let what = switch self {
        case .metadata: "points at a cloud instance-metadata address (169.254.169.254, fd00:ec2::254, 100.100.100.200)"
        case .linkLocal: "points at a link-local address (169.254.0.0/16, fe80::/10)"
        case .unspecified: "points at an unspecified address (0.0.0.0/8, ::)"
        case .multicast: "points at a multicast or broadcast address (224.0.0.0/4, 255.255.255.255, ff00::/8)"
        case .reserved: "points at a reserved address (240.0.0.0/4, 64:ff9b:1::/48)"
        case .loopback: "points at a loopback address (127.0.0.0/8, ::1)"
        case .privateNetwork:
            "points at a private-network address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7)"
        case .plainHTTP: "uses http://"
        }
        if let optIn { return "\(what), which is refused unless the exporter's operator sets \(optIn)=true" }
        return "\(what), which is always refused"
    }
}
