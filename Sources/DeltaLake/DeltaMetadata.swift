/// The `metaData` action: the table's id, schema and partitioning.
/// https://github.com/delta-io/delta/blob/master/PROTOCOL.md#change-metadata
public struct DeltaMetadata: Codable, Sendable, Hashable {
    public struct Format: Codable, Sendable, Hashable {
        public var provider: String
        public var options: [String: String]

        public init(provider: String = "parquet", options: [String: String] = [:]) {
            self.provider = provider
            self.options = options
        }
    }

    /// A UUID, fixed for the table's life: engines cache by it.
    public var id: String
    public var name: String?
    public var description: String?
    public var format: Format
    /// The schema as JSON text (``DeltaSchema/json``).
    public var schemaString: String
    public var partitionColumns: [String]
    public var configuration: [String: String]
    /// Milliseconds since the epoch.
    public var createdTime: Int64?

    public init(id: String, name: String? = nil, description: String? = nil, format: Format = Format(),
                schemaString: String, partitionColumns: [String] = [], configuration: [String: String] = [:],
                createdTime: Int64?) {
        self.id = id
        self.name = name
        self.description = description
        self.format = format
        self.schemaString = schemaString
        self.partitionColumns = partitionColumns
        self.configuration = configuration
        self.createdTime = createdTime
    }
}
