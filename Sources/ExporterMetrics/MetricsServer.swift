import ExporterCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// `run`'s HTTP listener (EXPORTER_METRICS_ADDRESS): `GET /metrics` in Prometheus text format,
/// `GET /healthz` with the ``HealthState`` verdict. A ServiceLifecycle service beside the daemon,
/// so it starts and stops with it; Hummingbird speaks HTTP (no hand-parsed requests).
///
/// A bind that fails (the address in use, not this machine's, a privileged port) ends it with
/// ``MetricsServerError``, which the CLI reports as a configuration error naming the address.
public struct MetricsServer: Service {
    /// Prometheus' text exposition format, version 0.0.4.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public let address: MetricsAddress
    private let metrics: MetricsObserver
    private let health: HealthState
    private let logger: Logger

    public init(address: MetricsAddress, metrics: MetricsObserver, health: HealthState, logger: Logger) {
        self.address = address
        self.metrics = metrics
        self.health = health
        self.logger = logger
    }

    public func run() async throws {
        let router = Router()
        let metrics = metrics
        let health = health
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: Self.contentType],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("/healthz") { _, _ -> Response in
            let verdict = health.verdict()
            return Response(status: verdict.healthy ? .ok : .serviceUnavailable,
                            headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: verdict.reason + "\n")))
        }
        let listening = Atomic(false)
        let logger = logger
        let address = address
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port)),
            onServerRunning: { _ in
                listening.store(true, ordering: .releasing)
                logger.info("serving metrics and health", metadata: [
                    "metrics": "http://\(address)/metrics", "health": "http://\(address)/healthz",
                ])
            },
            logger: logger)
        do {
            try await app.run()
        } catch {
            guard !listening.load(ordering: .acquiring) else { throw error }
            throw MetricsServerError.cannotListen(address: address, reason: Self.reason(error))
        }
    }

    /// Why a bind failed, in words.
    static func reason(_ error: any Error) -> String {
        if let error = error as? IOError {
            switch error.errnoCode {
            case EADDRINUSE: return "the address is already in use (another process listens there)"
            case EADDRNOTAVAIL: return "the address is not one of this machine's"
            case EACCES: return "permission denied (ports below 1024 need privileges)"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
