/// PLAIN encoding of single values, the encoding every reader must support.
///
/// INT32/INT64 are little endian; BYTE_ARRAY is a 4-byte little-endian length then the bytes;
/// FIXED_LEN_BYTE_ARRAY is the bytes alone. BOOLEAN is bit-packed (see ``BooleanBitPacker``).
/// Statistics reuse these encodings, minus the BYTE_ARRAY length prefix.
/// Spec: https://github.com/apache/parquet-format/blob/master/Encodings.md#plain-plain--0
public enum PlainEncoder {
    @inline(__always)
    public static func append(int32 value: Int32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always)
    public static func append(int64 value: Int64, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always)
    public static func append(byteArray value: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: value.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: value)
    }

    @inline(__always)
    public static func append(fixedLenByteArray value: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(contentsOf: value)
    }

    public static func encode(int32 value: Int32) -> [UInt8] {
        var out: [UInt8] = []
        append(int32: value, to: &out)
        return out
    }

    public static func encode(int64 value: Int64) -> [UInt8] {
        var out: [UInt8] = []
        append(int64: value, to: &out)
        return out
    }
}
