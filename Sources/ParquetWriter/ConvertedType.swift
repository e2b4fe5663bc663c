/// The legacy type annotation (`enum ConvertedType` in parquet.thrift).
///
/// Superseded by ``LogicalType`` but still written next to it, because older readers (Hive,
/// older Spark and Athena engines, fastparquet) only look at this one.
/// Spec: https://github.com/apache/parquet-format/blob/master/LogicalTypes.md
public enum ConvertedType: Int32, Sendable {
    case utf8 = 0
    case decimal = 5
    case date = 6
    case timestampMillis = 9
    case timestampMicros = 10
    case int64 = 18
    case json = 19
}
