/// The `commitInfo` action: provenance, for people and tools reading the table's history
/// (`DESCRIBE HISTORY`, `DeltaTable.history()`); readers of the data ignore it.
///
/// Besides the fields engines show (`timestamp`, `operation`, `operationParameters`,
/// `operationMetrics`, `engineInfo`), it names the export: the run (a row of `export_runs`), the
/// window, the stream.
/// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#commit-provenance-information
public struct DeltaCommitInfo: Codable, Sendable, Hashable {
    public var timestamp: Int64?
    public var operation: String?
    public var operationParameters: [String: String]?
    /// What the commit wrote, as Spark writes a WRITE's metrics (numbers as strings), so
    /// `DESCRIBE HISTORY` and `DeltaTable.history()` show each window's rows and bytes.
    public var operationMetrics: [String: String]?
    public var engineInfo: String?
    public var isBlindAppend: Bool?
    public var runId: Int64?
    public var connectionId: String?
    public var entity: String?
    public var windowStart: String?
    public var windowEnd: String?

    public init(timestamp: Int64?, operation: String?, operationParameters: [String: String]? = nil,
                operationMetrics: [String: String]? = nil, engineInfo: String? = nil, isBlindAppend: Bool? = nil, runId: Int64? = nil,
                connectionId: String? = nil, entity: String? = nil, windowStart: String? = nil, windowEnd: String? = nil) {
        self.timestamp = timestamp
        self.operation = operation
        self.operationParameters = operationParameters
        self.operationMetrics = operationMetrics
        self.engineInfo = engineInfo
        self.isBlindAppend = isBlindAppend
        self.runId = runId
        self.connectionId = connectionId
        self.entity = entity
        self.windowStart = windowStart
        self.windowEnd = windowEnd
    }
}
