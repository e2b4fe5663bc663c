import NIOCore
import NIOPosix

/// A byte-for-byte TCP relay on another loopback address, so a test can reach PostgreSQL from a
/// peer address its certificate does not name (the test server listens on 127.0.0.1 only, and
/// its certificate holds IP:127.0.0.1, which TLS host checks accept for any name).
final class TCPRelay: Sendable {
    let host: String
    let port: Int
    private let listener: any Channel

    private init(host: String, port: Int, listener: any Channel) {
        self.host = host
        self.port = port
        self.listener = listener
    }

    /// Listens on `host` (a free port) and relays each connection to `targetHost:targetPort`.
    static func start(host: String, targetHost: String, targetPort: Int) async throws -> TCPRelay {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                ClientBootstrap(group: inbound.eventLoop)
                    .channelInitializer { outbound in
                        outbound.eventLoop.makeCompletedFuture {
                            try outbound.pipeline.syncOperations.addHandler(Forwarder(partner: inbound))
                        }
                    }
                    .connect(host: targetHost, port: targetPort)
                    .flatMapThrowing { outbound in
                        try inbound.pipeline.syncOperations.addHandler(Forwarder(partner: outbound))
                    }
                    .flatMap { inbound.setOption(.autoRead, value: true) }
            }
            .bind(host: host, port: 0).get()
        guard let port = listener.localAddress?.port else {
            try await listener.close()
            throw RelayError.noPort
        }
        return TCPRelay(host: host, port: port, listener: listener)
    }

    func stop() async {
        try? await listener.close()
    }

    enum RelayError: Error { case noPort }

    /// Writes what one side reads to the other, and closes the other when one side closes.
    private final class Forwarder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let partner: any Channel

        init(partner: any Channel) { self.partner = partner }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            partner.close(promise: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
