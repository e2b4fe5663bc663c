/// Where a FlexPrice task's file is (`tasks.file_url`, `tasks.file_name`): the first data object
/// of the run, as FlexPrice's own exporter writes it and its download endpoint parses it,
/// `s3://bucket/key`.
public struct FlexpriceTaskFile: Sendable, Hashable {
    /// FlexPrice's `file_url` and `file_name` are `varchar(255)`.
    public static let columnLimit = 255

    /// `s3://bucket/key`; empty when that is longer than the column allows (a long key prefix):
    /// an empty file_url is what FlexPrice shows for a task without a file, where a cut URL
    /// would name the wrong object and a failed update would fail a run whose data is exported.
    public let url: String
    /// The key's last path segment (`feature_usage_20261120T000000Z_20261121T000000Z.csv.gz`).
    public let name: String

    public init(bucket: String, key: String) {
        let url = "s3://\(bucket)/\(key)"
        self.url = url.unicodeScalars.count <= Self.columnLimit ? url : ""
        let last = key.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? key
        name = String(String.UnicodeScalarView(last.unicodeScalars.prefix(Self.columnLimit)))
    }
}

extension ExportFormat {
    /// FlexPrice's `tasks.file_type`: `CSV`, `JSON`, `NDJSON` or `PARQUET`.
    public var flexpriceFileType: String { rawValue.uppercased() }
}

extension EntityType {
    /// FlexPrice's `tasks.entity_type` for an export of this entity: `events` for usage
    /// (`meter_usage`, `events`, `feature_usage`), the name FlexPrice's own exporter gives its usage
    /// export (`ScheduledTaskEntityTypeEvents`, which reads `meter_usage`), so its dashboard's and
    /// `GET /v1/tasks?entity_type=events` lists hold both; the entity's own name for the others.
    public var flexpriceEntityType: String {
        isUsage ? "events" : rawValue
    }
}
