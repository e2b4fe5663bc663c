import Foundation

/// The `metadata` JSON of a row the exporter writes into FlexPrice's `tasks` table (DESIGN §6a).
///
/// FlexPrice's own exporter writes `start_time` and `end_time` when it creates the task and adds
/// `file_size_bytes` and `completed_at` when it completes it; the exporter writes the same keys
/// and two of its own, `export_run_id` and `manifest_key`, which link the task to its
/// `export_runs` row and to the window's manifest. Times are RFC 3339 UTC.
public struct FlexpriceTaskMetadata: Sendable, Hashable, Encodable {
    /// The window's start.
    public var startTime: String
    /// The window's end (exclusive).
    public var endTime: String
    /// The `export_runs` row this task mirrors.
    public var exportRunID: Int64
    /// Bytes of the data before compression (`export_runs.bytes_raw`), once completed.
    public var fileSizeBytes: Int64?
    /// When the run succeeded (the `completed_at` column's instant), once completed.
    public var completedAt: String?
    /// The window's manifest, once completed.
    public var manifestKey: String?

    enum CodingKeys: String, CodingKey {
        case startTime = "start_time"
        case endTime = "end_time"
        case exportRunID = "export_run_id"
        case fileSizeBytes = "file_size_bytes"
        case completedAt = "completed_at"
        case manifestKey = "manifest_key"
    }

    /// The metadata of a task that is starting (PROCESSING).
    public init(window: ExportWindow, exportRunID: Int64) {
        startTime = Timestamp.rfc3339(seconds: window.start)
        endTime = Timestamp.rfc3339(seconds: window.end)
        self.exportRunID = exportRunID
    }

    /// The metadata of the same task once its run succeeded (COMPLETED).
    public func completed(fileSizeBytes: Int64, completedAtMicros: Int64, manifestKey: String) -> FlexpriceTaskMetadata {
        var done = self
        done.fileSizeBytes = fileSizeBytes
        done.completedAt = Timestamp.rfc3339(micros: completedAtMicros)
        done.manifestKey = manifestKey
        return done
    }

    /// Compact JSON, keys sorted, `/` not escaped: what goes into the `metadata` jsonb column.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
