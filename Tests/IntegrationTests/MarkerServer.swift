import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP server on loopback that is not S3: it answers every request with one status and
/// a body (and headers) holding a marker, the way a web server, a metadata service or any other
/// endpoint a tenant may name would answer. A test then looks for the marker everywhere a
/// tenant or an operator could read it.
final class MarkerServer: Sendable {
    let status: Int
    let marker: String
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel = Mutex<(any Channel)?>(nil)
    private let seen = Mutex<[String]>([])

    /// "METHOD target" of every request answered, in order.
    var requests: [String] { seen.withLock { $0 } }

    init(status: Int, marker: String) {
        self.status = status
        self.marker = marker
    }

    /// What the server answers with: an HTML page carrying the marker, and in it what a lax
    /// reader of S3's XML could take for an error code, an upload id or a key.
    var body: String {
        """
        <!DOCTYPE html><html><body><p>\(marker)</p>
        <Error><Code>\(marker)</Code><Message>\(marker)</Message></Error>
        <UploadId>\(marker)</UploadId><Key>\(marker)</Key><ETag>\(marker)</ETag></body></html>
        """
    }

    /// Starts listening on a free loopback port; returns the server's base URL.
    func start() async throws -> String {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(server: self))
                }
            }
        let server = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = server }
        return "http://127.0.0.1:\(server.localAddress?.port ?? 0)"
    }

    func stop() async {
        try? await channel.withLock { $0 }?.close()
        try? await group.shutdownGracefully()
    }

    fileprivate func record(_ head: HTTPRequestHead) {
        seen.withLock { $0.append("\(head.method.rawValue) \(head.uri)") }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let server: MarkerServer
        var head: HTTPRequestHead?

        init(server: MarkerServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
            case .body:
                break
            case .end:
                guard let head else { return }
                server.record(head)
                let body = ByteBuffer(string: server.body)
                var headers = HTTPHeaders()
                headers.add(name: "content-type", value: "text/html")
                headers.add(name: "content-length", value: String(body.readableBytes))
                headers.add(name: "etag", value: "\"\(server.marker)\"")
                headers.add(name: "x-amz-request-id", value: server.marker)
                headers.add(name: "x-amz-checksum-sha256", value: server.marker)
                headers.add(name: "x-marker", value: server.marker)
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: server.status),
                                                                      headers: headers))), promise: nil)
                // A HEAD answer has the headers of the body it does not send.
                if head.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
