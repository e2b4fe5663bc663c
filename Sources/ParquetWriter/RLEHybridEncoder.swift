/// The RLE / bit-packing hybrid encoding, used for definition levels (bit width 1) and for the
/// dictionary indices of RLE_DICTIONARY data pages.
///
/// It encodes a whole page's worth of values at once (the values are buffered while the page
/// fills): runs of 8 or more equal values become RLE runs, everything else is bit-packed in
/// groups of 8. A bit-packed stretch that does not end on a group boundary borrows the first
/// values of the following run to complete its last group, so only the very last group of the
/// page is ever padded (readers stop at the page's value count).
///
/// The 4-byte length prefix that data page v1 puts in front of definition levels, and the
/// bit-width byte in front of dictionary indices, are written by the caller: they differ by use.
/// Spec: https://github.com/apache/parquet-format/blob/master/Encodings.md#run-length-encoding--bit-packing-hybrid-rle--3
public enum RLEHybridEncoder {
    /// The shortest run worth an RLE run: a group of 8 is the bit-packing unit.
    static let minimumRepeatRun = 8

    /// Appends the hybrid encoding of `values` (each below `1 << bitWidth`) to `out`.
    public static func encode<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: inout [UInt8]
    ) {
        precondition(bitWidth >= 0 && bitWidth <= 32, "RLE bit width must be 0...32")
        let count = values.count
        var runStart = 0
        var literalStart = 0
        while runStart < count {
            let value = values[runStart]
            var runEnd = runStart + 1
            while runEnd < count && values[runEnd] == value { runEnd += 1 }
            if runEnd - runStart >= minimumRepeatRun {
                var repeatStart = runStart
                let pending = runStart - literalStart
                if pending > 0 {
                    // Complete the pending literal values' last group with values of this run.
                    let fill = (8 - pending % 8) % 8
                    writeBitPacked(values, from: literalStart, to: runStart + fill, bitWidth: bitWidth, into: &out)
                    repeatStart = runStart + fill
                }
                if runEnd > repeatStart {
                    writeRepeated(UInt64(value), count: runEnd - repeatStart, bitWidth: bitWidth, into: &out)
                }
                literalStart = runEnd
            }
            runStart = runEnd
        }
        if literalStart < count {
            writeBitPacked(values, from: literalStart, to: count, bitWidth: bitWidth, into: &out)
        }
    }

    /// Convenience for tests and small inputs.
    public static func encode<T: FixedWidthInteger & UnsignedInteger>(_ values: [T], bitWidth: Int) -> [UInt8] {
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { encode($0, bitWidth: bitWidth, into: &out) }
        return out
    }

    /// The bit width that holds every value in `0...maxValue` (0 for 0).
    public static func bitWidth(forMaxValue maxValue: UInt32) -> Int {
        32 - maxValue.leadingZeroBitCount
    }

    /// An RLE run: header `count << 1` as a varint, then the value in `ceil(bitWidth / 8)` bytes,
    /// little endian.
    static func writeRepeated(_ value: UInt64, count: Int, bitWidth: Int, into out: inout [UInt8]) {
        writeVarint(UInt64(count) << 1, into: &out)
        var remaining = value
        for _ in 0..<((bitWidth + 7) / 8) {
            out.append(UInt8(truncatingIfNeeded: remaining))
            remaining >>= 8
        }
    }

    /// A bit-packed run of `values[start..<end]`, zero-padded to whole groups of 8: header
    /// `groups << 1 | 1`, then the values packed from the least significant bit of each byte.
    static func writeBitPacked<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>, from start: Int, to end: Int, bitWidth: Int, into out: inout [UInt8]
    ) {
        let groups = (end - start + 7) / 8
        writeVarint(UInt64(groups) << 1 | 1, into: &out)
        if bitWidth == 0 { return }
        out.reserveCapacity(out.count + groups * bitWidth)
        var buffer: UInt64 = 0
        var bufferedBits = 0
        let paddedEnd = start + groups * 8
        var index = start
        while index < paddedEnd {
            let value: UInt64 = index < end ? UInt64(values[index]) : 0
            buffer |= value << UInt64(bufferedBits)
            bufferedBits += bitWidth
            while bufferedBits >= 8 {
                out.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                bufferedBits -= 8
            }
            index += 1
        }
        // 8 values of any width fill whole bytes, so nothing is left over here.
    }

    /// Unsigned LEB128, as the hybrid's run headers use it.
    static func writeVarint(_ value: UInt64, into out: inout [UInt8]) {
        var remaining = value
        while remaining >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        out.append(UInt8(remaining))
    }
}
