/// The value types a leaf of a nested schema (``ParquetSchemaNode``) may have.
///
/// Only what Delta Lake checkpoints need: text, 32- and 64-bit integers and booleans, each with
/// the physical type and annotations Spark and delta-rs write for them.
public enum ParquetLeafType: Sendable, Hashable {
    /// UTF-8 text: BYTE_ARRAY, STRING (converted UTF8).
    case string
    /// A signed 32-bit integer: INT32, no annotation.
    case int32
    /// A signed 64-bit integer: INT64, no annotation.
    case int64
    case boolean

    public var physicalType: ParquetPhysicalType {
        switch self {
        case .string: .byteArray
        case .int32: .int32
        case .int64: .int64
        case .boolean: .boolean
        }
    }
}
