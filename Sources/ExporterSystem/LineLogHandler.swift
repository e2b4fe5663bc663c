import Foundation
import Logging

/// What every line-per-event handler shares: where lines go, the clock, the level (shared and
/// reloadable, or this logger's own), and metadata. ``TextLogHandler`` and ``JSONLogHandler``
/// differ only in how they write a line, so that is the one thing they implement.
public struct LineLogHandlerCore: Sendable {
    let label: String
    let sharedLevel: DynamicLogLevel?
    var ownLevel: Logger.Level?
    let clock: @Sendable () -> Date
    let sink: @Sendable (String) -> Void
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, level: DynamicLogLevel?, metadataProvider: Logger.MetadataProvider?,
         clock: @escaping @Sendable () -> Date, sink: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.sharedLevel = level
        self.metadataProvider = metadataProvider
        self.clock = clock
        self.sink = sink
    }
}

/// A swift-log handler that writes one line per event through a ``LineLogHandlerCore``.
public protocol LineLogHandler: LogHandler {
    var core: LineLogHandlerCore { get set }
    init(core: LineLogHandlerCore)
    /// The complete line for `event` (trailing newline included), with merged metadata.
    func line(event: LogEvent, metadata: Logger.Metadata, time: Date) -> String
}

extension LineLogHandler {
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
        self.init(core: LineLogHandlerCore(label: label, level: level, metadataProvider: metadataProvider, clock: clock, sink: sink))
    }

    /// The shared level, until this handler's level is set: then that value, for this logger only,
    /// keeping swift-log's rule that a level change on one `Logger` does not affect another.
    public var logLevel: Logger.Level {
        get { core.ownLevel ?? core.sharedLevel?.level ?? .info }
        set { core.ownLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { core.metadata }
        set { core.metadata = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { core.metadataProvider }
        set { core.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { core.metadata[key] }
        set { core.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = LogMetadata.merged(
            base: core.metadata, provider: core.metadataProvider, explicit: event.metadata, error: event.error)
        core.sink(line(event: event, metadata: merged, time: core.clock()))
    }
}
