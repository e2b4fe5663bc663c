/// Byte comparisons for dictionary lookups and BYTE_ARRAY statistics, without Foundation.
enum ByteComparison {
    /// Byte equality of two regions of `count` bytes, eight bytes at a time.
    @inline(__always)
    static func equal(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer, _ count: Int) -> Bool {
        var offset = 0
        while offset + 8 <= count {
            if lhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != rhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
            offset += 8
        }
        while offset < count {
            if lhs.load(fromByteOffset: offset, as: UInt8.self) != rhs.load(fromByteOffset: offset, as: UInt8.self) {
                return false
            }
            offset += 1
        }
        return true
    }

    /// Unsigned lexicographic order of byte strings: Parquet's order for BYTE_ARRAY statistics
    /// (parquet.thrift, `ColumnOrder`: BYTE_ARRAY - unsigned byte-wise comparison).
    @inline(__always)
    static func precedes(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        let common = min(lhs.count, rhs.count)
        var index = 0
        // Eight bytes at a time: big-endian words compare like their bytes, unsigned.
        while index + 8 <= common {
            let a = UInt64(bigEndian: lhs.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let b = UInt64(bigEndian: rhs.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            if a != b { return a < b }
            index += 8
        }
        while index < common {
            let a = lhs[index]
            let b = rhs[index]
            if a != b { return a < b }
            index += 1
        }
        return lhs.count < rhs.count
    }
}
