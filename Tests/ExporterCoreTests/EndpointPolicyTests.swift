import ExporterCore
import Testing

/// The endpoint policy (issue 25): every listed range at its edges, the exact metadata addresses,
/// IPv6 forms that carry an IPv4 address, and the two operator opt-ins. Pure: no address here is
/// ever connected to.
struct EndpointPolicyTests {
    static let strict = EndpointPolicy()
    static let open = EndpointPolicy(allowPrivate: true, allowHTTP: true)

    /// (address, the class it falls in; nil for public unicast).
    @Test(arguments: [
        // Metadata services, exactly; and their neighbours fall in their ranges, not in metadata.
        ("169.254.169.254", EndpointRule.metadata), ("169.254.169.253", .linkLocal), ("169.254.169.255", .linkLocal),
        ("100.100.100.200", .metadata), ("100.100.100.199", .privateNetwork), ("100.100.100.201", .privateNetwork),
        ("fd00:ec2::254", .metadata), ("fd00:ec2::253", .privateNetwork), ("fd00:ec2::1:254", .privateNetwork),
        // Link-local 169.254.0.0/16 and fe80::/10.
        ("169.254.0.0", .linkLocal), ("169.254.255.255", .linkLocal),
        ("fe80::", .linkLocal), ("fe80::1", .linkLocal), ("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", .linkLocal),
        // Unspecified: 0.0.0.0/8 and ::.
        ("0.0.0.0", .unspecified), ("0.255.255.255", .unspecified), ("::", .unspecified),
        // Multicast and broadcast: 224.0.0.0/4, 255.255.255.255, ff00::/8.
        ("224.0.0.0", .multicast), ("239.255.255.255", .multicast), ("255.255.255.255", .multicast),
        ("ff00::", .multicast), ("ff02::1", .multicast), ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", .multicast),
        // Reserved 240.0.0.0/4 (but broadcast), local-use NAT64.
        ("240.0.0.0", .reserved), ("255.255.255.254", .reserved), ("64:ff9b:1::a9fe:a9fe", .reserved),
        // Loopback: 127.0.0.0/8, ::1.
        ("127.0.0.0", .loopback), ("127.0.0.1", .loopback), ("127.255.255.255", .loopback), ("::1", .loopback),
        // RFC 1918, at both ends.
        ("10.0.0.0", .privateNetwork), ("10.255.255.255", .privateNetwork),
        ("172.16.0.0", .privateNetwork), ("172.31.255.255", .privateNetwork),
        ("192.168.0.0", .privateNetwork), ("192.168.255.255", .privateNetwork),
        // Shared address space 100.64.0.0/10.
        ("100.64.0.0", .privateNetwork), ("100.127.255.255", .privateNetwork),
        // Unique local fc00::/7, deprecated site-local fec0::/10.
        ("fc00::", .privateNetwork), ("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", .privateNetwork),
        ("fec0::1", .privateNetwork), ("feff::1", .privateNetwork),
        // IPv6 forms that reach an IPv4 address are judged by it.
        ("::ffff:169.254.169.254", .metadata), ("::ffff:a9fe:a9fe", .metadata), ("::ffff:127.0.0.1", .loopback),
        ("::ffff:10.1.2.3", .privateNetwork), ("::ffff:0.0.0.0", .unspecified), ("::169.254.169.254", .metadata),
        ("::127.0.0.1", .loopback), ("::2", .unspecified), ("64:ff9b::169.254.169.254", .metadata),
        ("64:ff9b::10.0.0.1", .privateNetwork), ("2002:a9fe:a9fe::1", .metadata), ("2002:7f00:1::", .loopback),
        ("2001:0:4136:e378:8000:63bf:5601:5601", .metadata), // Teredo: the client address inverted
    ])
    func classifies(_ text: String, _ rule: EndpointRule) throws {
        let address = try #require(IPAddress(text), "\(text) parses")
        #expect(EndpointPolicy.classify(address) == rule, "\(text)")
    }

    /// Public addresses just outside each range.
    @Test(arguments: [
        "169.253.255.255", "169.255.0.0", "1.0.0.0", "223.255.255.255", "126.255.255.255", "128.0.0.0",
        "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0",
        "100.63.255.255", "100.128.0.0", "8.8.8.8", "52.216.0.1",
        "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::1",
        "2600:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
        "2600:1f18::1", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:0808:0808::", "::ffff:0:1:2",
    ])
    func publicAddressesPass(_ text: String) throws {
        let address = try #require(IPAddress(text), "\(text) parses")
        #expect(EndpointPolicy.classify(address) == nil, "\(text)")
        #expect(Self.strict.refusal(address) == nil)
    }

    @Test func alwaysRefusedClassesStayRefusedWithBothOptIns() throws {
        for text in ["169.254.169.254", "100.100.100.200", "fd00:ec2::254", "169.254.1.1", "fe80::1", "0.0.0.0", "::",
                     "224.0.0.1", "ff02::1", "255.255.255.255", "240.0.0.1", "::ffff:169.254.169.254"] {
            let address = try #require(IPAddress(text))
            #expect(Self.open.refusal(address) != nil, "\(text)")
            #expect(Self.strict.refusal(address) != nil, "\(text)")
            #expect(Self.open.forAWS.refusal(address) != nil, "\(text)")
        }
    }

    @Test func privateAndLoopbackNeedTheOptIn() throws {
        for (text, rule) in [("127.0.0.1", EndpointRule.loopback), ("::1", .loopback), ("10.0.0.5", .privateNetwork),
                             ("172.20.1.1", .privateNetwork), ("192.168.1.10", .privateNetwork),
                             ("100.64.1.1", .privateNetwork), ("fd12:3456::1", .privateNetwork)] {
            let address = try #require(IPAddress(text))
            #expect(Self.strict.refusal(address) == rule, "\(text)")
            #expect(EndpointPolicy(allowPrivate: true).refusal(address) == nil, "\(text)")
            #expect(EndpointPolicy(allowHTTP: true).refusal(address) == rule, "\(text): HTTP's opt-in is not private's")
            // AWS's own hosts may resolve to private addresses (VPC endpoints).
            #expect(Self.strict.forAWS.refusal(address) == nil, "\(text)")
        }
    }

    @Test func plainHTTPNeedsItsOptIn() {
        #expect(Self.strict.refusal(scheme: "http") == .plainHTTP)
        #expect(EndpointPolicy(allowPrivate: true).refusal(scheme: "http") == .plainHTTP)
        #expect(EndpointPolicy(allowHTTP: true).refusal(scheme: "http") == nil)
        #expect(Self.strict.refusal(scheme: "https") == nil)
    }

    @Test func problemsNameTheRuleAndTheOptIn() {
        #expect(EndpointRule.metadata.problem
            == "points at a cloud instance-metadata address (169.254.169.254, fd00:ec2::254, 100.100.100.200), which is always refused")
        #expect(EndpointRule.loopback.problem
            == "points at a loopback address (127.0.0.0/8, ::1), which is refused unless the exporter's operator sets EXPORTER_ALLOW_PRIVATE_ENDPOINTS=true")
        #expect(EndpointRule.plainHTTP.problem
            == "uses http://, which is refused unless the exporter's operator sets EXPORTER_ALLOW_HTTP_ENDPOINTS=true")
        #expect(EndpointRule.allCases.filter(\.alwaysRefused) == [.metadata, .linkLocal, .unspecified, .multicast, .reserved])
    }

    /// `inet_pton`'s forms only: the shorthands `getaddrinfo` also accepts are names to resolve
    /// (SystemHostResolverTests shows what they resolve to), never addresses read another way.
    @Test func parsesOnlyStandardForms() throws {
        #expect(IPAddress("169.254.169.254") == .v4(0xA9FE_A9FE))
        #expect(IPAddress("[::1]") == IPAddress("::1"))
        #expect(IPAddress("::ffff:169.254.169.254")?.description == "::ffff:169.254.169.254")
        #expect(IPAddress("fd00:0ec2:0:0:0:0:0:0254")?.description == "fd00:ec2::254")
        for text in ["2852039166", "0251.0376.0251.0376", "0xa9fea9fe", "127.1", "010.0.0.1", "169.254.169.254.",
                     "1.2.3.256", "", "localhost", "fe80::1%eth0", "[::1", "::1]"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
    }

    @Test func settingsReadTheOptIns() throws {
        let none = try ExporterSettings { _ in nil }
        #expect(none.endpointPolicy == EndpointPolicy(allowPrivate: false, allowHTTP: false))
        let both = try ExporterSettings {
            ["EXPORTER_ALLOW_PRIVATE_ENDPOINTS": "true", "EXPORTER_ALLOW_HTTP_ENDPOINTS": "yes"][$0]
        }
        #expect(both.endpointPolicy == EndpointPolicy(allowPrivate: true, allowHTTP: true))
        #expect(throws: SettingsError.invalid(name: "EXPORTER_ALLOW_PRIVATE_ENDPOINTS", problem: "must be true or false, got \"sometimes\"")) {
            try ExporterSettings { $0 == "EXPORTER_ALLOW_PRIVATE_ENDPOINTS" ? "sometimes" : nil }
        }
    }
}
