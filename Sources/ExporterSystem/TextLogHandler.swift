import Foundation
import Logging

/// A swift-log handler that writes one human-readable line per event:
/// `2026-11-25T20:00:00Z info label: key=value message`.
///
/// swift-log's `StreamLogHandler` writes local time and takes its level as a plain value; this one
/// writes UTC (matching the times in object keys and run history) and can follow a shared
/// ``DynamicLogLevel``, so SIGHUP changes the level of every logger.
public struct TextLogHandler: LogHandler {
    private let label: String
    private let sharedLevel: DynamicLogLevel?
    private var ownLevel: Logger.Level?
    private let clock: @Sendable () -> Date
    private let sink: @Sendable (String) -> Void

    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// - Parameters:
    ///   - level: a level shared with other handlers (changed at runtime on SIGHUP); without one the
    ///     handler starts at `.info`.
    ///   - clock: the time stamped on each line; injectable so tests get exact lines.
    ///   - sink: receives each complete line, trailing newline included; standard error by default.
    public init(
        label: String,
        level: DynamicLogLevel? = nil,
        metadataProvider: Logger.MetadataProvider? = nil,
        clock: @escaping @Sendable () -> Date = { Date() },
        sink: @escaping @Sendable (String) -> Void = StandardError.sink
    ) {
        self.label = label
        self.sharedLevel = level
        self.metadataProvider = metadataProvider
        self.clock = clock
        self.sink = sink
    }

    /// The shared level, until this handler's level is set: then that value, for this logger only,
    /// keeping swift-log's rule that a level change on one `Logger` does not affect another.
    public var logLevel: Logger.Level {
        get { ownLevel ?? sharedLevel?.level ?? .info }
        set { ownLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = LogMetadata.merged(
            base: metadata, provider: metadataProvider, explicit: event.metadata, error: event.error)
        var out = UTCTimestamp.rfc3339(clock(), milliseconds: false) + " " + event.level.rawValue
        if !label.isEmpty { out += " " + label }
        out += ":"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            out += " \(key)=\(value)"
        }
        out += " \(event.message)\n"
        sink(out)
    }
}
