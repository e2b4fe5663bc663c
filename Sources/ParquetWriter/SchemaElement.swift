/// One node of the flattened schema tree (`struct SchemaElement`).
///
/// The exporter's schema is flat: a root group (name and `numChildren` only) followed by one
/// OPTIONAL leaf per column, each carrying both its ``ConvertedType`` and its ``LogicalType``.
/// Spec: parquet.thrift `struct SchemaElement`.
public struct SchemaElement: Sendable, Hashable, ThriftCompactStruct {
    public var type: ParquetPhysicalType?
    public var typeLength: Int32?
    public var repetitionType: FieldRepetitionType?
    public var name: String
    public var numChildren: Int32?
    public var convertedType: ConvertedType?
    public var scale: Int32?
    public var precision: Int32?
    public var fieldID: Int32?
    public var logicalType: LogicalType?

    public init(
        type: ParquetPhysicalType? = nil, typeLength: Int32? = nil, repetitionType: FieldRepetitionType? = nil,
        name: String, numChildren: Int32? = nil, convertedType: ConvertedType? = nil,
        scale: Int32? = nil, precision: Int32? = nil, fieldID: Int32? = nil, logicalType: LogicalType? = nil
    ) {
        self.type = type
        self.typeLength = typeLength
        self.repetitionType = repetitionType
        self.name = name
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.fieldID = fieldID
        self.logicalType = logicalType
    }

    public func writeFields(to writer: inout ThriftCompactWriter) {
        if let type { writer.writeField(1, i32: type.rawValue) }
        if let typeLength { writer.writeField(2, i32: typeLength) }
        if let repetitionType { writer.writeField(3, i32: repetitionType.rawValue) }
        writer.writeField(4, string: name)
        if let numChildren { writer.writeField(5, i32: numChildren) }
        if let convertedType { writer.writeField(6, i32: convertedType.rawValue) }
        if let scale { writer.writeField(7, i32: scale) }
        if let precision { writer.writeField(8, i32: precision) }
        if let fieldID { writer.writeField(9, i32: fieldID) }
        if let logicalType { writer.writeField(10, struct: logicalType) }
    }
}
