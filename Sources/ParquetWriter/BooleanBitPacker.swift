/// PLAIN encoding of BOOLEAN values: one bit each, least significant bit first, the last byte
/// zero-padded (the same bit order as the RLE hybrid's bit-packed runs, without a header).
/// Spec: https://github.com/apache/parquet-format/blob/master/Encodings.md#plain-plain--0
public struct BooleanBitPacker: Sendable {
    public private(set) var bytes: [UInt8] = []
    public private(set) var count = 0

    public init() {}

    @inline(__always)
    public mutating func append(_ value: Bool) {
        let bit = count & 7
        if bit == 0 { bytes.append(0) }
        if value { bytes[bytes.count - 1] |= 1 << UInt8(bit) }
        count += 1
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
    }
}
