/// Parquet's physical (storage) types, `enum Type` in parquet.thrift.
///
/// Only BOOLEAN, INT32, INT64, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY are written by this writer; the
/// others are listed so the raw values stay complete and readable.
/// Spec: https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift
public enum ParquetPhysicalType: Int32, Sendable {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    case int96 = 3
    case float = 4
    case double = 5
    case byteArray = 6
    case fixedLenByteArray = 7
}
