/// What one export reads: an entity's rows for one tenant and environment in one window.
///
/// Neutral about the database: each ``RowSource`` turns it into its own query (PostgreSQL's
/// binary COPY in ExporterSource, ClickHouse's parameterised SELECT in ExporterClickHouse), with
/// the same contract: an explicit column list, the tenant and environment scope, the half-open
/// window on ``ExportSelection/windowColumn``, an order on a unique key, and every value bound as a
/// parameter, never spliced into the query text.
public struct EntityQuery: Sendable, Hashable {
    public let entity: EntityType
    public let tenantID: String
    public let environmentID: String
    public let window: ExportWindow
    /// The `export_runs` id of the run reading it, when there is one (a dry run's count has
    /// none): sources that can label a query with it do, so an operator finds the run's query in
    /// the database's own log.
    public let runID: Int64?
    /// The contract's shape or FlexPrice's (a scheduled task's stream).
    public let shape: ExportShape
    /// What is selected, from where: built once from the entity and the shape.
    public let selection: ExportSelection

    public init(entity: EntityType, tenantID: String, environmentID: String, window: ExportWindow, runID: Int64? = nil,
                shape: ExportShape = .contract) {
        self.entity = entity
        self.shape = shape
        self.selection = ExportSelection(entity, shape: shape)
        self.tenantID = tenantID
        self.environmentID = environmentID
        self.window = window
        self.runID = runID
    }
}
