import AsyncHTTPClient
import ExporterCore
import Synchronization

/// The HTTP transport of one connection's S3 endpoint: its host is resolved once, every address
/// is judged by the ``EndpointPolicy``, and every request then goes to the address checked.
///
/// A second lookup at connect time could be answered differently (DNS rebinding: a short TTL,
/// first a public address, then 169.254.169.254), so the HTTP client never resolves the name
/// itself: it gets AsyncHTTPClient's `dnsOverride`, which connects to the checked IP address
/// while the request keeps the name in its Host header (signed by SigV4) and, over https, in
/// the TLS SNI and the certificate check. An address literal needs no lookup and no override:
/// the shared client connects to it as written, and it is judged as written (``IPAddress`` parses
/// it as the HTTP client does).
///
/// One transport serves a connection for one pass (the engine makes a sink per connection per
/// pass), so a name is resolved once per pass and each pass re-reads DNS. The pinned client is
/// shut down when the transport is released. Of several addresses, all must pass; the first
/// IPv4 one is used (else the first), since hosts often have IPv6 addresses they cannot route.
public final class PinnedTransport: S3Transport {
    private enum State {
        case unresolved
        case resolving(Task<HTTPClient, any Error>)
        /// `owned`: a client made for this pin, shut down with the transport.
        case ready(HTTPClient, owned: Bool)
        case refused(ExportError)
    }

    public let endpoint: S3Endpoint
    private let policy: EndpointPolicy
    private let resolver: any HostResolver
    private let shared: HTTPClient
    private let configuration: HTTPClient.Configuration
    private let state = Mutex(State.unresolved)
    /// How many times the host was looked up (at most once per transport but after a failed lookup).
    private let lookups = Atomic<Int>(0)

    /// - Parameters:
    ///   - shared: the client for address-literal endpoints.
    ///   - configuration: the settings of a pinned client (``HTTPClient/Configuration/s3``).
    public init(endpoint: S3Endpoint, policy: EndpointPolicy, resolver: any HostResolver = SystemHostResolver(),
                shared: HTTPClient, configuration: HTTPClient.Configuration = .s3) {
        self.endpoint = endpoint
        self.policy = endpoint.effectivePolicy(policy)
        self.resolver = resolver
        self.shared = shared
        self.configuration = configuration
    }

    deinit {
        if case .ready(let client, owned: true) = state.withLock({ $0 }) {
            client.shutdown { _ in }
        }
    }

    /// The number of lookups so far (for tests: one per transport).
    public var lookupCount: Int { lookups.load(ordering: .relaxed) }

    public func httpClient() async throws -> HTTPClient {
        let pending: Task<HTTPClient, any Error>? = try state.withLock { state in
            switch state {
            case .ready: return nil
            case .refused(let error): throw error
            case .resolving(let task): return task
            case .unresolved:
                let task = Task { try await self.pin() }
                state = .resolving(task)
                return task
            }
        }
        if let pending { return try await pending.value }
        guard case .ready(let client, _) = state.withLock({ $0 }) else { return try await httpClient() }
        return client
    }

    /// Resolves, judges and pins; records the outcome. A refusal stays (the pass will not change
    /// DNS's mind about it); a failed lookup does not, so the request's retry looks up again.
    private func pin() async throws -> HTTPClient {
        do {
            let (client, owned) = try await choose()
            state.withLock { $0 = .ready(client, owned: owned) }
            return client
        } catch let error as ExportError {
            state.withLock { $0 = .refused(error) }
            throw error
        } catch {
            state.withLock { $0 = .unresolved }
            throw error
        }
    }

    private func choose() async throws -> (HTTPClient, owned: Bool) {
        try endpoint.check(policy)
        if IPAddress(endpoint.hostName) != nil { return (shared, false) }
        lookups.add(1, ordering: .relaxed)
        let addresses = try await resolver.addresses(of: endpoint.hostName, port: endpoint.port)
        guard let chosen = addresses.first(where: \.isIPv4) ?? addresses.first else {
            throw HostResolutionError(host: endpoint.hostName, reason: "no address")
        }
        for address in addresses {
            if let rule = policy.refusal(address) { throw endpoint.refusal(rule) }
        }
        var configuration = self.configuration
        // AsyncHTTPClient looks the override up by the URL's host as written; names are
        // case-insensitive, so the lowercase spelling is mapped too.
        configuration.dnsOverride[endpoint.hostName] = chosen.description
        configuration.dnsOverride[endpoint.hostName.lowercased()] = chosen.description
        return (HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration), true)
    }
}
