import ExporterCore
import ParquetWriter

/// DESIGN §5a: which Parquet type each declared PostgreSQL type becomes.
///
/// Never a float: a numeric is a DECIMAL when its declared precision and scale fit one, and its
/// exact text otherwise. json/jsonb is a plain STRING: fastparquet turns a JSON-annotated column
/// into parsed Python objects instead of text, so the JSON annotation would not read back the
/// same in every engine (§5a allows it only if all three readers return the text).
public enum ParquetSchemaMapping {
    public static func parquetType(for column: SourceColumn) -> ParquetColumnType {
        switch column.type {
        case .text, .json, .other, .unconstrainedNumeric:
            return .string
        case .integer:
            return .int64
        case .boolean:
            return .boolean
        case .timestamp:
            return column.holdsSpecialValues ? .string : .timestampMicrosUTC
        case .numeric:
            guard !column.holdsSpecialValues, let decimal = column.decimal else { return .string }
            return .decimal(precision: decimal.precision, scale: decimal.scale)
        }
    }

    /// The file's columns, in the order given (DESIGN §2 order).
    public static func parquetColumns(for columns: [SourceColumn]) -> [ParquetColumn] {
        columns.map { ParquetColumn(name: $0.name, type: parquetType(for: $0)) }
    }
}
