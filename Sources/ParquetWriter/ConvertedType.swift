/// The legacy type annotation (`enum ConvertedType` in parquet.thrift).
///
/// Superseded by ``LogicalType`` but still written next to it, because older readers (Hive,
/// older Spark and Athena engines, fastparquet) only look at this one.
/// Spec: https://github.com/apache/parquet-format/blob/master/LogicalTypes.md
public enum ConvertedType: Int32, Sendable {
    case utf8 = 0
    /// A map group (``ParquetNestedFileWriter``).
    case map = 1
    /// The repeated key_value group inside a map, as legacy writers (parquet-mr) marked it.
    case mapKeyValue = 2
    /// A list group (``ParquetNestedFileWriter``).
    case list = 3
    case decimal = 5
    case date = 6
    case timestampMillis = 9
    case timestampMicros = 10
    case int64 = 18
    case json = 19
}
