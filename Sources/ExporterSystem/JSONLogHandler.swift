import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line.
///
/// For log collectors (journald forwarders, Loki, CloudWatch, Elastic) that index fields: every line
/// parses on its own, metadata stays typed as strings, objects and arrays, and the fixed fields come
/// first with the metadata keys sorted, so identical events produce identical lines.
///
/// A line is `{"ts":…,"level":…,"label":…,"msg":…,"source":…, <metadata, keys sorted>}`; `ts` is
/// RFC 3339 UTC with milliseconds. A metadata key equal to one of the fixed field names is written
/// with a leading underscore (`_msg`) so the object never has duplicate keys.
public struct JSONLogHandler: LineLogHandler {
    /// Field names written by the handler itself.
    static let reservedKeys: Set<String> = ["ts", "level", "label", "msg", "source"]

    public var core: LineLogHandlerCore

    public init(core: LineLogHandlerCore) {
        self.core = core
    }

    public func line(event: LogEvent, metadata: Logger.Metadata, time: Date) -> String {
        var out = "{\"ts\":\""
        out.append(UTCTimestamp.rfc3339(time, milliseconds: true))
        out.append("\",\"level\":\"")
        out.append(event.level.rawValue)
        out.append("\",\"label\":")
        JSONText.appendString(core.label, to: &out)
        out.append(",\"msg\":")
        JSONText.appendString(event.message.description, to: &out)
        out.append(",\"source\":")
        JSONText.appendString(event.source, to: &out)

        var fields: [(key: String, value: Logger.MetadataValue)] = []
        fields.reserveCapacity(metadata.count)
        for (key, value) in metadata {
            var name = key
            while Self.reservedKeys.contains(name) || (name != key && metadata[name] != nil) {
                name = "_" + name
            }
            fields.append((name, value))
        }
        fields.sort { $0.key < $1.key }
        for field in fields {
            out.append(",")
            JSONText.appendString(field.key, to: &out)
            out.append(":")
            JSONText.appendValue(field.value, to: &out)
        }
        out.append("}\n")
        return out
    }
}
