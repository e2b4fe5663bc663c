/// The annotation of a group in a nested schema: a map or a list, written both as the logical
/// type (MAP, LIST) and as the legacy converted type, as Arrow and Spark write them.
/// Spec: https://github.com/apache/parquet-format/blob/master/LogicalTypes.md#nested-types
public enum ParquetGroupAnnotation: Sendable, Hashable {
    /// `<map> group (MAP) { repeated group key_value { required key; <value> } }`.
    case map
    /// `<list> group (LIST) { repeated group list { <element> } }`.
    case list

    var logicalType: LogicalType {
        switch self {
        case .map: .map
        case .list: .list
        }
    }

    var convertedType: ConvertedType {
        switch self {
        case .map: .map
        case .list: .list
        }
    }
}
