import Foundation
import Logging

/// A swift-log handler that writes one human-readable line per event:
/// `2026-11-25T20:00:00Z info label: key=value message`.
///
/// swift-log's `StreamLogHandler` writes local time and takes its level as a plain value; this one
/// writes UTC (matching the times in object keys and run history) and can follow a shared
/// ``DynamicLogLevel``, so SIGHUP changes the level of every logger.
public struct TextLogHandler: LineLogHandler {
    public var core: LineLogHandlerCore

    public init(core: LineLogHandlerCore) {
        self.core = core
    }

    public func line(event: LogEvent, metadata: Logger.Metadata, time: Date) -> String {
        var out = UTCTimestamp.rfc3339(time, milliseconds: false) + " " + event.level.rawValue
        if !core.label.isEmpty { out += " " + core.label }
        out += ":"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            out += " \(key)=\(value)"
        }
        out += " \(event.message)\n"
        return out
    }
}
