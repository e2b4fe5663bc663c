import ExporterCore
import ExporterSystem
import Logging

/// Configures swift-log once per process from EXPORTER_LOG_LEVEL and EXPORTER_LOG_FORMAT, and
/// logs what reading the settings ignored (``ExporterSettings/warnings``), once.
/// The level is shared and mutable so the daemon's SIGHUP reload can change it.
enum ProcessLogging {
    /// - Parameter sink: where log lines go (standard error; through the progress line when one
    ///   is drawn, so a log line clears it first).
    static func bootstrap(_ settings: ExporterSettings, label: String = "flexprice-exporter",
                          sink: @escaping @Sendable (String) -> Void = StandardError.sink) -> (Logger, DynamicLogLevel) {
        let level = DynamicLogLevel(Logger.Level(rawValue: settings.logLevel.rawValue) ?? .info)
        let format: LogSetup.Format = settings.logFormat == .json ? .json : .text
        LoggingSystem.bootstrap { label in LogSetup.makeHandler(label: label, format: format, level: level, sink: sink) }
        let logger = Logger(label: label)
        logWarnings(of: settings, to: logger)
        return (logger, level)
    }

    /// Logs each of the settings' warnings at warning (also after the daemon's SIGHUP reload).
    static func logWarnings(of settings: ExporterSettings, to logger: Logger) {
        for warning in settings.warnings { logger.warning("\(warning)") }
    }

    static func makeLogger(_ settings: ExporterSettings, sink: @escaping @Sendable (String) -> Void = StandardError.sink) -> Logger {
        bootstrap(settings, sink: sink).0
    }
}
