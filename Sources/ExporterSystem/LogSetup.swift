import Logging

/// Builds the process's log handler from `EXPORTER_LOG_FORMAT` and `EXPORTER_LOG_LEVEL` (DESIGN §7).
///
/// One place for the choice so the CLI's `LoggingSystem.bootstrap` and the tests make the same handler,
/// and every handler shares the one ``DynamicLogLevel`` that SIGHUP updates.
public enum LogSetup {
    /// - Parameters:
    ///   - level: shared by every handler made here; set its `level` to change all loggers at runtime.
    ///   - metadataProvider: pass the one given to `LoggingSystem.bootstrap`, if any.
    ///   - sink: receives each complete line; standard error unless a progress line shares the
    ///     terminal and must be cleared first.
    public static func makeHandler(
        label: String,
        format: Format,
        level: DynamicLogLevel,
        metadataProvider: Logger.MetadataProvider? = nil,
        sink: @escaping @Sendable (String) -> Void = StandardError.sink
    ) -> any LogHandler {
        switch format {
        case .text: TextLogHandler(label: label, level: level, metadataProvider: metadataProvider, sink: sink)
        case .json: JSONLogHandler(label: label, level: level, metadataProvider: metadataProvider, sink: sink)
        }
    }
}
