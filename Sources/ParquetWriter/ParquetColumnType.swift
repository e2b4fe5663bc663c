/// The logical column types the exporter writes (DESIGN §5a), each with its fixed physical
/// type and annotations. Every column is OPTIONAL.
public enum ParquetColumnType: Sendable, Hashable {
    /// UTF-8 text: BYTE_ARRAY, STRING (converted UTF8); dictionary encoded.
    case string
    /// JSON text (jsonb): BYTE_ARRAY, JSON (converted JSON); dictionary encoded.
    case json
    /// A signed 64-bit integer: INT64, no annotation.
    case int64
    case boolean
    /// Microseconds since the Unix epoch: INT64, TIMESTAMP(isAdjustedToUTC=true, MICROS)
    /// (converted TIMESTAMP_MICROS).
    case timestampMicrosUTC
    /// DECIMAL(precision, scale): INT32 for precision <= 9, INT64 for <= 18, else
    /// FIXED_LEN_BYTE_ARRAY(16).
    case decimal(precision: Int, scale: Int)

    public var physicalType: ParquetPhysicalType {
        switch self {
        case .string, .json: .byteArray
        case .int64, .timestampMicrosUTC: .int64
        case .boolean: .boolean
        case .decimal(let precision, _): ParquetDecimal.physicalType(precision: precision)
        }
    }

    /// The leaf schema element for a column of this type.
    func schemaElement(name: String) -> SchemaElement {
        switch self {
        case .string:
            SchemaElement(type: .byteArray, repetitionType: .optional, name: name,
                          convertedType: .utf8, logicalType: .string)
        case .json:
            SchemaElement(type: .byteArray, repetitionType: .optional, name: name,
                          convertedType: .json, logicalType: .json)
        case .int64:
            SchemaElement(type: .int64, repetitionType: .optional, name: name)
        case .boolean:
            SchemaElement(type: .boolean, repetitionType: .optional, name: name)
        case .timestampMicrosUTC:
            SchemaElement(type: .int64, repetitionType: .optional, name: name,
                          convertedType: .timestampMicros,
                          logicalType: .timestamp(isAdjustedToUTC: true, unit: .micros))
        case .decimal(let precision, let scale):
            SchemaElement(
                type: physicalType,
                typeLength: physicalType == .fixedLenByteArray ? 16 : nil,
                repetitionType: .optional, name: name, convertedType: .decimal,
                scale: Int32(scale), precision: Int32(precision),
                logicalType: .decimal(precision: Int32(precision), scale: Int32(scale)))
        }
    }
}
