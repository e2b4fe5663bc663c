import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP proxy between the exporter and moto that injects one fault into chosen requests:
/// an S3 error status, a connection dropped in the middle of the request body, a response
/// delayed past the client's timeout, a body damaged on its way, an answer without its ETag or
/// an object lost after it was stored. Everything else is forwarded to moto unchanged, the Host
/// header included (it is signed).
///
/// Every complete request's SigV4 signature is checked with ``SigV4Verifier`` (the test's own
/// implementation) against the test credentials, since moto checks none: a test asserts
/// ``signatureMismatches`` is empty and ``verifiedCount`` covers its requests. Every upload's
/// checksums are checked as S3 checks them (``S3ChecksumCheck``), since moto checks none either:
/// a mismatch is answered `BadDigest` and never reaches moto.
final class FaultProxy: Sendable {
    enum Fault: Sendable {
        /// Answer with this status and S3 error code instead of forwarding.
        case status(Int, code: String)
        /// Close the connection as soon as the first bytes of the request body arrive.
        case dropMidBody
        /// Hold the request this long before forwarding it.
        case delay(Duration)
        /// Hold the request and never forward nor answer it (until the proxy stops): the
        /// exporter waits on it, as on a store that has not answered yet, and can be killed there.
        case hang
        /// Flip one bit of the body's middle byte on its way (after the signature was checked
        /// against what the exporter sent), as a damaged network would: the checksum check
        /// answers `BadDigest`.
        case flipByte
        /// Forward, then answer without the `ETag` header (a store that is not S3).
        case withoutETag
        /// Forward; from then on answer a HeadObject or GetObject of the key 404 `NoSuchKey`
        /// (a store that lost the object it acknowledged), until the key is written or deleted.
        case loseAfterForwarding
    }

    /// One request as it arrived, and what the verifier made of its signature.
    struct Exchange: Sendable {
        let method: String
        /// The request target, still percent-encoded: `/bucket/key?query`.
        let target: String
        /// Every header as received, names lower-cased.
        let headers: [(String, String)]
        let bodyBytes: Int
        /// nil for a request cut off before its body was complete.
        let verdict: SigV4Verifier.Verdict?

        func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
        /// Query item names, decoded.
        var queryNames: Set<String> {
            Set(SigV4Verifier.split(target: target).query.split(separator: "&").map {
                SigV4Verifier.percentDecode(String($0.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0])) ?? ""
            })
        }
        /// The S3 operation this request is, by method, query and headers.
        var operation: String { FaultProxy.operation(method: method, target: target, headers: headers) }
    }

    /// The S3 operation a request is, by method, query and headers.
    static func operation(method: String, target: String, headers: [(String, String)]) -> String {
        let query = Set(S3ChecksumCheck.query(target).keys)
        let (path, _) = SigV4Verifier.split(target: target)
        let onBucket = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).count <= 1
        let copy = headers.contains { $0.0.lowercased() == "x-amz-copy-source" }
        switch method {
        case "GET" where query.contains("uploads"): return "ListMultipartUploads"
        case "GET" where query.contains("list-type"): return "ListObjectsV2"
        case "GET": return "GetObject"
        case "HEAD": return onBucket ? "HeadBucket" : "HeadObject"
        case "POST" where query.contains("uploads"): return "CreateMultipartUpload"
        case "POST" where query.contains("uploadId"): return "CompleteMultipartUpload"
        case "PUT" where query.contains("partNumber"): return "UploadPart"
        case "PUT" where copy: return "CopyObject"
        case "PUT": return onBucket ? "CreateBucket" : "PutObject"
        case "DELETE" where query.contains("uploadId"): return "AbortMultipartUpload"
        case "DELETE": return "DeleteObject"
        default: return method
        }
    }

    /// Requests seen so far, in order: "METHOD /path?query".
    var requests: [String] { state.withLock { $0.exchanges.map { "\($0.method) \($0.target)" } } }
    /// Complete requests seen so far, in order.
    var exchanges: [Exchange] { state.withLock { $0.exchanges.filter { $0.verdict != nil } } }
    /// Requests whose signature was checked and found valid.
    var verifiedCount: Int {
        state.withLock { $0.exchanges.filter { if case .valid? = $0.verdict { true } else { false } }.count }
    }
    /// "METHOD target: reason" for each request whose signature S3 would refuse.
    var signatureMismatches: [String] {
        state.withLock {
            $0.exchanges.compactMap { exchange in
                if case .invalid(let reason)? = exchange.verdict { "\(exchange.method) \(exchange.target): \(reason)" } else { nil }
            }
        }
    }

    private struct State {
        var exchanges: [Exchange] = []
        var faults: [Int: Fault]
        /// Requests whose target contains one of these hang (``Fault/hang``), whatever their number.
        var hanging: [String] = []
        /// The next `remaining` requests whose target contains `text` get `fault`.
        var targeted: [(text: String, fault: Fault, remaining: Int)] = []
        /// The tasks answering requests; `stop` waits for them before shutting the loop down.
        var answering: [UUID: Task<Void, Never>] = [:]
        var stopping = false
    }

    private let state: Mutex<State>
    private let upstream: String
    private let http: HTTPClient
    private let group: MultiThreadedEventLoopGroup
    private let channel = Mutex<(any Channel)?>(nil)
    private let verifier: SigV4Verifier
    /// The checksums of every upload, checked as S3 checks them.
    let checksums = S3ChecksumCheck()
    private let lost = Mutex<Set<String>>([])

    /// - Parameters:
    ///   - faults: request number (1-based) -> fault.
    ///   - verifier: checks every request's signature; the test credentials by default.
    init(upstream: String, http: HTTPClient, faults: [Int: Fault],
         verifier: SigV4Verifier = SigV4Verifier(accessKeyID: TestServices.accessKey, secretAccessKey: TestServices.secretKey)) {
        self.upstream = upstream
        self.http = http
        self.verifier = verifier
        self.state = Mutex(State(faults: faults))
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Starts listening on a free loopback port; returns the proxy's base URL.
    func start() async throws -> String {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(proxy: self))
                }
            }
        let server = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = server }
        return "http://127.0.0.1:\(server.localAddress?.port ?? 0)"
    }

    /// Stops listening, ends the requests still being answered, then shuts the event loop down.
    ///
    /// In that order: a forwarded request can outlive the exporter's interest in it (the
    /// exporter cancelled it, or the HTTP client forwarding it is shut down), and its task then
    /// closes or writes to its channel. Done after the loop was shut down, that printed "Cannot
    /// schedule tasks on an EventLoop that has already shut down".
    func stop() async {
        try? await channel.withLock { $0 }?.close()
        let answering = state.withLock { state in
            state.stopping = true
            return Array(state.answering.values)
        }
        for task in answering {
            task.cancel()
            await task.value
        }
        try? await group.shutdownGracefully()
    }

    /// Runs `answer` for a request on `channel` in a task that `stop` waits for; once stopping,
    /// the connection is closed at once instead (this runs on the channel's loop, still alive).
    fileprivate func answer(on channel: any Channel, _ answer: @escaping @Sendable () async -> Void) {
        let id = UUID()
        let started: Bool = state.withLock { state in
            guard !state.stopping else { return false }
            state.answering[id] = Task {
                await answer()
                _ = self.state.withLock { $0.answering.removeValue(forKey: id) }
            }
            return true
        }
        if !started { channel.close(promise: nil) }
    }

    /// From now on, requests whose target (`/bucket/key?query`, as sent) contains `text` hang.
    func hang(requestsContaining text: String) {
        state.withLock { $0.hanging.append(text) }
    }

    /// The next `times` requests whose target contains `text` get `fault`, whatever their number.
    func fault(requestsContaining text: String, with fault: Fault, times: Int) {
        state.withLock { $0.targeted.append((text, fault, times)) }
    }

    /// Later requests are forwarded again (those already hanging stay so).
    func stopHanging() {
        state.withLock { $0.hanging = [] }
    }

    /// Registers a request and returns its number (1-based) and fault, if any. Its signature
    /// is checked once its body is complete (``verify(_:number:body:)``).
    fileprivate func register(_ head: HTTPRequestHead) -> (Int, Fault?) {
        state.withLock { state in
            state.exchanges.append(Exchange(method: head.method.rawValue, target: head.uri,
                                            headers: head.headers.map { ($0.name.lowercased(), $0.value) },
                                            bodyBytes: 0, verdict: nil))
            if state.hanging.contains(where: { head.uri.contains($0) }) { return (state.exchanges.count, .hang) }
            if let index = state.targeted.firstIndex(where: { $0.remaining > 0 && head.uri.contains($0.text) }) {
                state.targeted[index].remaining -= 1
                return (state.exchanges.count, state.targeted[index].fault)
            }
            return (state.exchanges.count, state.faults[state.exchanges.count])
        }
    }

    /// Checks the signature of request `number` now that its body is complete.
    fileprivate func verify(_ head: HTTPRequestHead, number: Int, body: ByteBuffer) {
        let verdict = verifier.verify(method: head.method.rawValue, target: head.uri,
                                      headers: head.headers.map { ($0.name, $0.value) },
                                      body: Array(body.readableBytesView), now: Date())
        state.withLock { state in
            let seen = state.exchanges[number - 1]
            state.exchanges[number - 1] = Exchange(method: seen.method, target: seen.target, headers: seen.headers,
                                                   bodyBytes: body.readableBytes, verdict: verdict)
        }
    }

    fileprivate func forward(_ head: HTTPRequestHead, body: ByteBuffer) async throws -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer) {
        var request = HTTPClientRequest(url: upstream + head.uri)
        request.method = head.method
        // Host as the client sent (and signed) it, not the upstream's.
        for (name, value) in head.headers where name.lowercased() != "content-length" {
            request.headers.add(name: name, value: value)
        }
        request.headers.add(name: "content-length", value: String(body.readableBytes))
        request.body = .bytes(body)
        let response = try await http.execute(request, timeout: .seconds(300))
        let responseBody = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let sent = head.headers.map { ($0.name, $0.value) }
        checksums.record(operation: Self.operation(method: head.method.rawValue, target: head.uri, headers: sent),
                         target: head.uri, headers: sent, status: Int(response.status.code),
                         responseBody: Array(responseBody.readableBytesView))
        var headers = HTTPHeaders()
        // A HEAD answer keeps its Content-Length: the size of the object it describes.
        let dropped = head.method == .HEAD ? ["transfer-encoding", "connection"] : ["content-length", "transfer-encoding", "connection"]
        for (name, value) in response.headers where !dropped.contains(name.lowercased()) {
            headers.add(name: name, value: value)
        }
        if head.method != .HEAD { headers.add(name: "content-length", value: String(responseBody.readableBytes)) }
        return (response.status, headers, responseBody)
    }

    /// The paths (`/bucket/key`) of objects the proxy lost after a `loseAfterForwarding`
    /// fault, and the operation of a request on one of them: a read finds nothing, a write or a
    /// delete makes the key the store's again.
    fileprivate func isLost(_ operation: String, target: String) -> Bool {
        let path = SigV4Verifier.split(target: target).path
        return lost.withLock { lost in
            switch operation {
            case "HeadObject", "GetObject": return lost.contains(path)
            case "PutObject", "CompleteMultipartUpload", "CopyObject", "DeleteObject":
                lost.remove(path)
                return false
            default: return false
            }
        }
    }

    fileprivate func lose(_ target: String) {
        _ = lost.withLock { $0.insert(SigV4Verifier.split(target: target).path) }
    }

    /// Collects one request, then answers it (forwarded or faulted) from a task.
    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let proxy: FaultProxy
        var head: HTTPRequestHead?
        var body = ByteBuffer()
        var fault: Fault?
        var number = 0
        /// The body was cut off: nothing to verify.
        var dropped = false

        init(proxy: FaultProxy) { self.proxy = proxy }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
                dropped = false
                (number, fault) = proxy.register(head)
            case .body(var chunk):
                if case .dropMidBody = fault {
                    dropped = true
                    context.close(promise: nil)
                    return
                }
                body.writeBuffer(&chunk)
            case .end:
                guard let head, !dropped else { return }
                proxy.verify(head, number: number, body: body)
                if case .flipByte = fault, body.readableBytes > 0 {
                    let middle = body.readerIndex + body.readableBytes / 2
                    if let byte = body.getInteger(at: middle, as: UInt8.self) { body.setInteger(byte ^ 0x01, at: middle) }
                }
                let channel = context.channel
                let (proxy, fault, body) = (self.proxy, self.fault, self.body)
                let headers = head.headers.map { ($0.name, $0.value) }
                let operation = FaultProxy.operation(method: head.method.rawValue, target: head.uri, headers: headers)
                if let refusal = proxy.checksums.check(operation: operation, target: head.uri, headers: headers,
                                                       body: Array(body.readableBytesView)) {
                    proxy.answer(on: channel) {
                        Self.respondError(channel, status: refusal.status, code: refusal.code, message: refusal.message)
                    }
                    return
                }
                if proxy.isLost(operation, target: head.uri) {
                    proxy.answer(on: channel) {
                        if head.method == .HEAD {
                            Self.respond(channel, .notFound, ["content-length": "0"], ByteBuffer())
                        } else {
                            Self.respondError(channel, status: 404, code: "NoSuchKey", message: "The specified key does not exist.")
                        }
                    }
                    return
                }
                proxy.answer(on: channel) {
                    switch fault {
                    case .status(let status, let code):
                        Self.respondError(channel, status: status, code: code, message: "injected \(code)")
                        return
                    case .dropMidBody:
                        // A request without a body: drop it before answering.
                        try? await channel.close()
                        return
                    case .delay(let duration):
                        // Stopped while holding it: drop the request rather than forward it.
                        guard (try? await Task.sleep(for: duration)) != nil else {
                            try? await channel.close()
                            return
                        }
                    case .hang:
                        // Never forwarded: held until the proxy stops, then dropped.
                        while (try? await Task.sleep(for: .seconds(3_600))) != nil {}
                        try? await channel.close()
                        return
                    case .flipByte, .withoutETag, .loseAfterForwarding, nil:
                        break
                    }
                    do {
                        var (status, headers, responseBody) = try await proxy.forward(head, body: body)
                        if case .withoutETag = fault { headers.remove(name: "etag") }
                        if case .loseAfterForwarding = fault, (200..<300).contains(status.code) { proxy.lose(head.uri) }
                        Self.respond(channel, status, headers, responseBody)
                    } catch {
                        try? await channel.close()
                    }
                }
            }
        }

        static func respondError(_ channel: any Channel, status: Int, code: String, message: String) {
            let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>\(message)</Message></Error>"
            respond(channel, HTTPResponseStatus(statusCode: status), ["content-type": "application/xml"], ByteBuffer(string: xml))
        }

        static func respond(_ channel: any Channel, _ status: HTTPResponseStatus, _ headers: HTTPHeaders, _ body: ByteBuffer) {
            var headers = headers
            if !headers.contains(name: "content-length") { headers.add(name: "content-length", value: String(body.readableBytes)) }
            channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), promise: nil)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: nil)
            channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        }
    }
}
