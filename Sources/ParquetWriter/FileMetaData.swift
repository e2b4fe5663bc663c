/// The footer (`struct FileMetaData`): schema, row groups, and how to order their statistics.
///
/// `version` is 1: the spec advises it for maximum reader compatibility. `createdBy` follows the
/// spec's `<application> version <x.y.z> (build <hash>)` form, which readers parse to decide
/// whether to trust a writer's statistics.
/// Spec: parquet.thrift `struct FileMetaData`.
public struct FileMetaData: Sendable, Hashable, ThriftCompactStruct {
    public var version: Int32
    public var schema: [SchemaElement]
    public var numRows: Int64
    public var rowGroups: [RowGroup]
    public var keyValueMetadata: [KeyValue]?
    public var createdBy: String?
    public var columnOrders: [ColumnOrder]?

    public init(
        version: Int32 = 1, schema: [SchemaElement], numRows: Int64, rowGroups: [RowGroup],
        keyValueMetadata: [KeyValue]? = nil, createdBy: String? = nil, columnOrders: [ColumnOrder]? = nil
    ) {
        self.version = version
        self.schema = schema
        self.numRows = numRows
        self.rowGroups = rowGroups
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
        self.columnOrders = columnOrders
    }

    public func writeFields(to writer: inout ThriftCompactWriter) {
        writer.writeField(1, i32: version)
        writer.writeField(2, list: schema)
        writer.writeField(3, i64: numRows)
        writer.writeField(4, list: rowGroups)
        if let keyValueMetadata { writer.writeField(5, list: keyValueMetadata) }
        if let createdBy { writer.writeField(6, string: createdBy) }
        if let columnOrders { writer.writeField(7, list: columnOrders) }
    }
}
