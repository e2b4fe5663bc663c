import AsyncHTTPClient
import ExporterCore
import ExporterSink
import Synchronization
import Testing

/// The endpoint policy applied to a connection's endpoint (issue 25): what is judged without a
/// lookup, what after one, that a name is looked up once and every address of the answer judged.
/// No test here sends a request: a refused endpoint is refused before any client exists, and an
/// accepted one is only handed a client.
struct EndpointPinningTests {
    /// Answers from a table, counting its lookups; never touches DNS.
    final class TableResolver: HostResolver {
        let answers: [String: [String]]
        let failFirst: Bool
        let calls = Mutex(0)
        init(_ answers: [String: [String]], failFirst: Bool = false) {
            self.answers = answers
            self.failFirst = failFirst
        }
        func addresses(of host: String, port: Int) async throws -> [IPAddress] {
            let call = calls.withLock { $0 += 1; return $0 }
            if failFirst && call == 1 { throw HostResolutionError(host: host, reason: "temporary failure") }
            guard let texts = answers[host] else { throw HostResolutionError(host: host, reason: "unknown") }
            return texts.compactMap(IPAddress.init)
        }
    }

    static let strict = EndpointPolicy()
    static let open = EndpointPolicy(allowPrivate: true, allowHTTP: true)

    func endpoint(_ url: String?, bucket: String = "exports", virtualHostStyle: Bool = false) throws -> S3Endpoint {
        try S3Endpoint(bucket: bucket, region: "us-east-1", endpointURL: url, virtualHostStyle: virtualHostStyle)
    }

    /// Runs `body` with a shared client, shut down afterwards.
    func withClient(_ body: (HTTPClient) async throws -> Void) async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await body(http)
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    func refusal(_ body: () throws -> Void) -> ExportError? {
        do { try body() } catch let error as ExportError { return error } catch { return nil }
        return nil
    }

    @Test func hostNameAndPort() throws {
        #expect(try endpoint("http://127.0.0.1:9000").hostName == "127.0.0.1")
        #expect(try endpoint("http://127.0.0.1:9000").port == 9000)
        #expect(try endpoint("https://[fd00:ec2::254]/").hostName == "[fd00:ec2::254]")
        #expect(try endpoint("https://[fd00:ec2::254]/").port == 443)
        #expect(try endpoint("https://minio.example.com", virtualHostStyle: true).hostName == "exports.minio.example.com")
        #expect(try endpoint(nil).hostName == "exports.s3.us-east-1.amazonaws.com")
        #expect(try endpoint(nil).isCustom == false)
    }

    /// The scheme and address literals are judged without a lookup (the engine records such a
    /// connection's problem once, without starting runs).
    @Test(arguments: [
        ("http://minio.example.com", strict, EndpointRule.plainHTTP),
        ("https://169.254.169.254/", open, .metadata),
        ("http://169.254.169.254/latest/meta-data", open, .metadata),
        ("https://[::ffff:169.254.169.254]/", open, .metadata),
        ("https://[fd00:ec2::254]/", open, .metadata),
        ("https://100.100.100.200", open, .metadata),
        ("https://169.254.10.10:8443", open, .linkLocal),
        ("https://[fe80::1]/", open, .linkLocal),
        ("https://0.0.0.0:9000", open, .unspecified),
        ("https://[::]:9000", open, .unspecified),
        ("https://224.0.0.251", open, .multicast),
        ("https://127.0.0.1:9000", strict, .loopback),
        ("https://[::1]:9000", strict, .loopback),
        ("https://10.1.2.3", strict, .privateNetwork),
        ("https://192.168.1.1", strict, .privateNetwork),
        ("https://[fd12::1]", strict, .privateNetwork),
    ] as [(String, EndpointPolicy, EndpointRule)])
    func literalsAndSchemesAreJudgedWithoutALookup(_ url: String, _ policy: EndpointPolicy, _ rule: EndpointRule) throws {
        let e = try endpoint(url)
        let error = refusal { try e.check(policy) }
        #expect(error == .config(connection: "", field: "s3.endpoint_url", problem: rule.problem), "\(url)")
    }

    @Test func allowedLiteralsAndNamesPassTheStaticCheck() throws {
        try endpoint("http://127.0.0.1:9000").check(Self.open)
        try endpoint("https://minio.internal").check(Self.strict)   // a name: judged once resolved
        try endpoint("https://52.216.0.1").check(Self.strict)
        try endpoint(nil).check(Self.strict)
    }

    /// A bucket becomes part of the host in virtual-hosted style: one that would change what the
    /// HTTP client parses as the host is refused.
    @Test func aBucketCannotSmuggleAHost() throws {
        for (bucket, url, vhost) in [("a@localhost#", nil, false), ("a@169.254.169.254?", "https://minio.example.com", true)]
            as [(String, String?, Bool)] {
            #expect(throws: ExportError.config(connection: "", field: "s3.bucket",
                                               problem: "does not make a valid host name (letters, digits, '-', '_' and '.' only)")) {
                _ = try S3Endpoint(bucket: bucket, region: "us-east-1", endpointURL: url, virtualHostStyle: vhost)
            }
        }
        // Path style keeps the bucket in the path, percent-encoded: no effect on the host.
        #expect(try endpoint("https://minio.example.com", bucket: "a@b").hostName == "minio.example.com")
    }

    @Test func aNameResolvingToMetadataIsRefusedBeforeAnyClientExists() async throws {
        let resolver = TableResolver(["evil.example": ["169.254.169.254"]])
        try await withClient { http in
            let transport = PinnedTransport(endpoint: try endpoint("https://evil.example"), policy: Self.open, resolver: resolver,
                                            shared: http)
            for _ in 0..<3 {
                await #expect(throws: ExportError.config(connection: "", field: "s3.endpoint_url", problem: EndpointRule.metadata.problem)) {
                    _ = try await transport.httpClient()
                }
            }
            #expect(resolver.calls.withLock { $0 } == 1, "a refusal is kept: the name is not looked up again")
        }
    }

    /// Every address of an answer must pass: a public address beside a private one is refused.
    @Test func everyAddressOfTheAnswerIsJudged() async throws {
        let resolver = TableResolver(["mixed.example": ["52.216.0.1", "10.0.0.7"], "v6.example": ["2600:1f18::1", "fe80::1"]])
        try await withClient { http in
            for (host, rule) in [("mixed.example", EndpointRule.privateNetwork), ("v6.example", .linkLocal)] {
                let transport = PinnedTransport(endpoint: try endpoint("https://\(host)"), policy: Self.strict, resolver: resolver,
                                                shared: http)
                await #expect(throws: ExportError.config(connection: "", field: "s3.endpoint_url", problem: rule.problem)) {
                    _ = try await transport.httpClient()
                }
            }
        }
    }

    /// The name is looked up once: every request of the transport gets the same pinned client,
    /// a client of its own (not the shared one, which would resolve the name again).
    @Test func aNameIsLookedUpOnceAndPinned() async throws {
        let resolver = TableResolver(["minio.internal": ["10.0.0.7"]])
        try await withClient { http in
            let transport = PinnedTransport(endpoint: try endpoint("https://minio.internal:9000"), policy: Self.open,
                                            resolver: resolver, shared: http)
            let clients = try await withThrowingTaskGroup(of: HTTPClient.self) { group in
                for _ in 0..<8 { group.addTask { try await transport.httpClient() } }
                return try await group.reduce(into: [HTTPClient]()) { $0.append($1) }
            }
            #expect(clients.count == 8)
            #expect(clients.allSatisfy { $0 === clients[0] })
            #expect(clients[0] !== http)
            #expect(resolver.calls.withLock { $0 } == 1)
            #expect(transport.lookupCount == 1)
        }
    }

    @Test func aFailedLookupIsTriedAgain() async throws {
        let resolver = TableResolver(["minio.internal": ["10.0.0.7"]], failFirst: true)
        try await withClient { http in
            let transport = PinnedTransport(endpoint: try endpoint("https://minio.internal"), policy: Self.open,
                                            resolver: resolver, shared: http)
            await #expect(throws: HostResolutionError.self) { _ = try await transport.httpClient() }
            _ = try await transport.httpClient()
            #expect(resolver.calls.withLock { $0 } == 2)
        }
    }

    /// Address literals need no lookup: the shared client connects to them as written.
    @Test func anAllowedLiteralUsesTheSharedClient() async throws {
        let resolver = TableResolver([:])
        try await withClient { http in
            let transport = PinnedTransport(endpoint: try endpoint("http://127.0.0.1:9000"), policy: Self.open, resolver: resolver,
                                            shared: http)
            #expect(try await transport.httpClient() === http)
            #expect(resolver.calls.withLock { $0 } == 0)
        }
    }

    /// AWS's own hosts: private answers allowed (VPC endpoints), the always-refused classes not.
    @Test func awsHostsFollowTheAlwaysRefusedRulesOnly() async throws {
        try await withClient { http in
            let host = "exports.s3.us-east-1.amazonaws.com"
            let vpc = PinnedTransport(endpoint: try endpoint(nil), policy: Self.strict,
                                      resolver: TableResolver([host: ["10.0.0.7"]]), shared: http)
            _ = try await vpc.httpClient()
            let poisoned = PinnedTransport(endpoint: try endpoint(nil), policy: Self.strict,
                                           resolver: TableResolver([host: ["169.254.169.254"]]), shared: http)
            await #expect(throws: ExportError.config(connection: "", field: "s3.region",
                                                     problem: "(AWS's host \(host)) \(EndpointRule.metadata.problem)")) {
                _ = try await poisoned.httpClient()
            }
        }
    }

    /// The shorthand forms `getaddrinfo` accepts for 169.254.169.254 (not addresses to
    /// ``IPAddress``, so names) resolve to it, numerically, with no DNS query, and are refused.
    @Test(arguments: ["2852039166", "0251.0376.0251.0376", "0xa9fea9fe", "0xA9.0xFE.0xA9.0xFE", "169.254.43518"])
    func shorthandFormsOfTheMetadataAddressAreRefused(_ host: String) async throws {
        #expect(IPAddress(host) == nil)
        #expect(try await SystemHostResolver().addresses(of: host, port: 80) == [IPAddress.v4(0xA9FE_A9FE)])
        try await withClient { http in
            let transport = PinnedTransport(endpoint: try endpoint("http://\(host)/"), policy: Self.open, shared: http)
            await #expect(throws: ExportError.config(connection: "", field: "s3.endpoint_url", problem: EndpointRule.metadata.problem)) {
                _ = try await transport.httpClient()
            }
        }
    }

    @Test func shorthandLoopbackResolvesToLoopback() async throws {
        #expect(try await SystemHostResolver().addresses(of: "127.1", port: 80) == [IPAddress.v4(0x7F00_0001)])
        #expect(try await SystemHostResolver().addresses(of: "2130706433", port: 80) == [IPAddress.v4(0x7F00_0001)])
    }
}
