import Logging

/// The log handler of AsyncHTTPClient's own lines: the exporter's, at debug level at most. At
/// trace level AsyncHTTPClient prints every HTTP head it sends and receives, so the headers of
/// whatever the endpoint answers (a tenant's endpoint need not be S3) and a request's
/// `x-amz-security-token`; those never reach a log line.
struct HTTPClientLogHandler: LogHandler {
    /// The exporter's handler, whose level (changed by SIGHUP) this one follows.
    var base: any LogHandler

    /// A logger for AsyncHTTPClient that writes where `logger` does.
    static func logger(for logger: Logger) -> Logger {
        Logger(label: logger.label) { _ in HTTPClientLogHandler(base: logger.handler) }
    }

    var logLevel: Logger.Level {
        get { max(base.logLevel, .debug) }
        set { base.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.level > .trace else { return }
        base.log(event: event)
    }
}
