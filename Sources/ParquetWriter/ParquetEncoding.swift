/// Page encodings (`enum Encoding` in parquet.thrift).
///
/// This writer uses PLAIN (values, dictionary pages), RLE (definition levels) and RLE_DICTIONARY
/// (dictionary-encoded data pages). PLAIN_DICTIONARY is the deprecated spelling of the last one
/// and is never written.
/// Spec: https://github.com/apache/parquet-format/blob/master/Encodings.md
public enum ParquetEncoding: Int32, Sendable, Comparable {
    case plain = 0
    case plainDictionary = 2
    case rle = 3
    case bitPacked = 4
    case deltaBinaryPacked = 5
    case deltaLengthByteArray = 6
    case deltaByteArray = 7
    case rleDictionary = 8
    case byteStreamSplit = 9

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
