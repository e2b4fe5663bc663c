import ExporterCore
import Logging

/// Configures swift-log once per process from EXPORTER_LOG_LEVEL.
enum LogSetup {
    static func makeLogger(_ settings: ExporterSettings, label: String = "flexprice-exporter") -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: settings.logLevel.rawValue) ?? .info
            return handler
        }
        return Logger(label: label)
    }
}
