@testable import ExporterSink
import Logging
import Synchronization
import Testing

/// AsyncHTTPClient's own lines reach the exporter's log at debug level at most: its trace lines
/// print every HTTP head received, whatever a tenant's endpoint puts in its headers.
struct HTTPClientLogHandlerTests {
    /// Keeps every line logged through it.
    struct Capture: LogHandler {
        let store: Lines
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            store.lines.withLock { $0.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })") }
        }
    }

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    @Test func traceLinesAreDroppedAndTheRestKeepTheLoggersMetadata() {
        let captured = Lines()
        var logger = Logger(label: "test") { _ in Capture(store: captured) }
        logger[metadataKey: "connection"] = "c1"
        let http = HTTPClientLogHandler.logger(for: logger)
        #expect(http.logLevel == .debug)
        http.trace("ahc-http-part=head(etag: MARKER)")
        http.debug("connection closed")
        http.warning("pool shut down")
        #expect(captured.lines.withLock { $0 } == ["debug connection closed [\"connection=c1\"]", "warning pool shut down [\"connection=c1\"]"])
    }

    @Test func aLoggerAboveDebugKeepsItsLevel() {
        var logger = Logger(label: "test") { _ in Capture(store: Lines()) }
        logger.logLevel = .error
        #expect(HTTPClientLogHandler.logger(for: logger).logLevel == .error)
    }
}
