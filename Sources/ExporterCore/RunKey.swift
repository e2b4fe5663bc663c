/// The identity of one export: a connection's entity in one window.
public struct RunKey: Sendable, Hashable {
    public let connectionID: String
    public let tenantID: String
    public let environmentID: String
    public let entity: EntityType
    public let interval: SyncInterval?
    public let window: ExportWindow

    public init(connectionID: String, tenantID: String, environmentID: String, entity: EntityType,
                interval: SyncInterval?, window: ExportWindow) {
        self.connectionID = connectionID
        self.tenantID = tenantID
        self.environmentID = environmentID
        self.entity = entity
        self.interval = interval
        self.window = window
    }
}
