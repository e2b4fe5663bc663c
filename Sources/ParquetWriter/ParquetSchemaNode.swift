/// One field of a nested Parquet schema: a group of fields or a leaf value, each required,
/// optional or repeated.
///
/// The flat ``ParquetFileWriter`` only knows OPTIONAL top-level columns; Delta Lake checkpoints
/// need structs, maps and lists (``ParquetNestedFileWriter``), so their schema is given as this
/// tree. ``map(_:repetition:valueRepetition:valueType:)`` and ``list(_:repetition:elementRepetition:elementType:)``
/// build the standard three-level map and list layouts.
/// Spec: https://github.com/apache/parquet-format/blob/master/LogicalTypes.md#nested-types
public struct ParquetSchemaNode: Sendable, Hashable {
    /// What a node holds: child fields (with an optional MAP/LIST annotation), or a value.
    public indirect enum Kind: Sendable, Hashable {
        case group(children: [ParquetSchemaNode], annotation: ParquetGroupAnnotation?)
        case leaf(ParquetLeafType)
    }

    public var name: String
    public var repetition: FieldRepetitionType
    public var kind: Kind

    public init(name: String, repetition: FieldRepetitionType, kind: Kind) {
        self.name = name
        self.repetition = repetition
        self.kind = kind
    }

    /// A leaf value.
    public static func leaf(_ name: String, _ type: ParquetLeafType, _ repetition: FieldRepetitionType = .optional) -> Self {
        Self(name: name, repetition: repetition, kind: .leaf(type))
    }

    /// A struct (a group without annotation).
    public static func group(
        _ name: String, repetition: FieldRepetitionType = .optional, annotation: ParquetGroupAnnotation? = nil,
        _ children: [ParquetSchemaNode]
    ) -> Self {
        Self(name: name, repetition: repetition, kind: .group(children: children, annotation: annotation))
    }

    /// A map of string keys: `group <name> (MAP) { repeated group key_value { required binary key (STRING);
    /// <valueRepetition> <valueType> value } }`.
    public static func map(
        _ name: String, repetition: FieldRepetitionType = .optional,
        valueRepetition: FieldRepetitionType = .optional, valueType: ParquetLeafType = .string
    ) -> Self {
        .group(name, repetition: repetition, annotation: .map, [
            .group("key_value", repetition: .repeated, [.leaf("key", .string, .required), .leaf("value", valueType, valueRepetition)]),
        ])
    }

    /// A list: `group <name> (LIST) { repeated group list { <elementRepetition> <elementType> element } }`.
    public static func list(
        _ name: String, repetition: FieldRepetitionType = .optional,
        elementRepetition: FieldRepetitionType = .optional, elementType: ParquetLeafType = .string
    ) -> Self {
        .group(name, repetition: repetition, annotation: .list, [
            .group("list", repetition: .repeated, [.leaf("element", elementType, elementRepetition)]),
        ])
    }
}
