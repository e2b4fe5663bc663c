/// The type annotation readers use to interpret a physical type (`union LogicalType`).
///
/// Only the annotations the exporter's columns need (DESIGN §5a): STRING for text, JSON for
/// jsonb, DECIMAL for numeric(p,s) and TIMESTAMP(isAdjustedToUTC, MICROS) for timestamptz.
/// Spec: https://github.com/apache/parquet-format/blob/master/LogicalTypes.md
public enum LogicalType: Sendable, Hashable, ThriftCompactStruct {
    /// The time units of TIMESTAMP (`union TimeUnit`).
    public enum TimeUnit: Int16, Sendable, Hashable {
        case millis = 1
        case micros = 2
        case nanos = 3
    }

    case string
    /// A map group (nested files only, ``ParquetNestedFileWriter``).
    case map
    /// A list group (nested files only, ``ParquetNestedFileWriter``).
    case list
    case json
    case decimal(precision: Int32, scale: Int32)
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)

    public func writeFields(to writer: inout ThriftCompactWriter) {
        switch self {
        case .string:
            writer.writeField(1, struct: ThriftEmptyStruct())
        case .map:
            writer.writeField(2, struct: ThriftEmptyStruct())
        case .list:
            writer.writeField(3, struct: ThriftEmptyStruct())
        case .json:
            writer.writeField(12, struct: ThriftEmptyStruct())
        case .decimal(let precision, let scale):
            writer.writeField(5, struct: DecimalType(precision: precision, scale: scale))
        case .timestamp(let isAdjustedToUTC, let unit):
            writer.writeField(8, struct: TimestampType(isAdjustedToUTC: isAdjustedToUTC, unit: unit))
        }
    }

    /// `struct DecimalType { 1: required i32 scale; 2: required i32 precision }`.
    private struct DecimalType: ThriftCompactStruct {
        let precision: Int32
        let scale: Int32
        func writeFields(to writer: inout ThriftCompactWriter) {
            writer.writeField(1, i32: scale)
            writer.writeField(2, i32: precision)
        }
    }

    /// `struct TimestampType { 1: required bool isAdjustedToUTC; 2: required TimeUnit unit }`.
    private struct TimestampType: ThriftCompactStruct {
        let isAdjustedToUTC: Bool
        let unit: TimeUnit
        func writeFields(to writer: inout ThriftCompactWriter) {
            writer.writeField(1, bool: isAdjustedToUTC)
            writer.writeField(2, struct: TimeUnitUnion(unit: unit))
        }
    }

    /// `union TimeUnit { 1: MilliSeconds MILLIS; 2: MicroSeconds MICROS; 3: NanoSeconds NANOS }`.
    private struct TimeUnitUnion: ThriftCompactStruct {
        let unit: TimeUnit
        func writeFields(to writer: inout ThriftCompactWriter) {
            writer.writeField(unit.rawValue, struct: ThriftEmptyStruct())
        }
    }
}
