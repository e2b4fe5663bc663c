/// The identity of one export: a connection's entity in one window.
public struct RunKey: Sendable, Hashable {
    public let connectionID: String
    public let tenantID: String
    public let environmentID: String
    public let entity: EntityType
    public let interval: SyncInterval?
    public let window: ExportWindow
    /// The connection's `format`, when its settings could be read: FlexPrice's `tasks.file_type`
    /// is written when a run starts (nil is recorded as CSV, the default format).
    public let format: ExportFormat?
    /// The connection's bucket, when its settings could be read: `tasks.file_url` is `s3://bucket/key`.
    public let bucket: String?
    /// FlexPrice's `scheduled_tasks.id` when the stream is one of its scheduled tasks
    /// (EXPORTER_FLEXPRICE_SCHEDULED_TASKS): part of the stream's identity, so two tasks of one
    /// connection and entity never block or skip each other.
    public let scheduledTaskID: String?

    public init(connectionID: String, tenantID: String, environmentID: String, entity: EntityType,
                interval: SyncInterval?, window: ExportWindow, format: ExportFormat? = nil, bucket: String? = nil,
                scheduledTaskID: String? = nil) {
        self.connectionID = connectionID
        self.tenantID = tenantID
        self.environmentID = environmentID
        self.entity = entity
        self.interval = interval
        self.window = window
        self.format = format
        self.bucket = bucket
        self.scheduledTaskID = scheduledTaskID
    }

    /// The stream this run belongs to.
    public var stream: ExportStream {
        ExportStream(connectionID: connectionID, entity: entity, scheduledTaskID: scheduledTaskID)
    }
}
