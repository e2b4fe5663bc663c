/// The distinct BYTE_ARRAY values of one column chunk, for dictionary encoding.
///
/// The entries are kept directly in their PLAIN encoding (4-byte length + bytes), which is
/// exactly the dictionary page's body, so closing a chunk copies nothing. Lookups go through an
/// open-addressing hash table of entry indices, so interning a cell allocates nothing once the
/// buffers have grown. The caller stops using the dictionary (falls back to PLAIN) when an
/// insertion would take ``plainBytes`` past its limit (1 MiB by default, as Arrow does).
/// Spec: https://github.com/apache/parquet-format/blob/master/Encodings.md#dictionary-encoding-plain_dictionary--2-and-rle_dictionary--8
public struct ByteArrayDictionary: Sendable {
    /// The dictionary page body: every entry, PLAIN encoded, in index order.
    public private(set) var plainBytes: [UInt8] = []
    /// Where each entry's bytes start in ``plainBytes`` (after its length prefix).
    private var entryStarts: [Int32] = []
    private var entryLengths: [Int32] = []
    private var entryHashes: [UInt32] = []
    /// Hash table of entry index + 1 (0 = empty slot); its size is a power of two.
    private var slots: [Int32] = []

    public init() {}

    public var count: Int { entryStarts.count }

    /// Outcome of ``intern(_:byteLimit:)``.
    public enum Interned: Equatable, Sendable {
        case existing(UInt32)
        case inserted(UInt32)
        /// Inserting would take the dictionary past the byte limit; nothing was changed.
        case full
    }

    /// The index of `value`, inserting it if new and if the dictionary stays within `byteLimit`.
    @inline(__always)
    public mutating func intern(_ value: UnsafeRawBufferPointer, byteLimit: Int) -> Interned {
        if slots.isEmpty { slots = [Int32](repeating: 0, count: 1024) }
        let hash = Self.hash(value)
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { break }
            let entry = Int(stored) - 1
            if entryHashes[entry] == hash && entryMatches(entry, value) {
                return .existing(UInt32(entry))
            }
            slot = (slot + 1) & mask
        }
        if plainBytes.count + 4 + value.count > byteLimit { return .full }
        let index = entryStarts.count
        PlainEncoder.append(byteArray: value, to: &plainBytes)
        entryStarts.append(Int32(plainBytes.count - value.count))
        entryLengths.append(Int32(value.count))
        entryHashes.append(hash)
        slots[slot] = Int32(index + 1)
        if entryStarts.count * 2 > slots.count { grow() }
        return .inserted(UInt32(index))
    }

    /// The bytes of entry `index`.
    public func withEntry<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = Int(entryStarts[index])
        let length = Int(entryLengths[index])
        return plainBytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
    }

    /// Empties the dictionary for the next column chunk, keeping its buffers.
    public mutating func removeAll() {
        plainBytes.removeAll(keepingCapacity: true)
        entryStarts.removeAll(keepingCapacity: true)
        entryLengths.removeAll(keepingCapacity: true)
        entryHashes.removeAll(keepingCapacity: true)
        if !slots.isEmpty {
            slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
    }

    @inline(__always)
    private func entryMatches(_ entry: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let length = Int(entryLengths[entry])
        guard length == value.count else { return false }
        if length == 0 { return true }
        let start = Int(entryStarts[entry])
        return plainBytes.withUnsafeBytes { storage in
            guard let base = storage.baseAddress, let other = value.baseAddress else { return false }
            return ByteComparison.equal(base + start, other, length)
        }
    }

    private mutating func grow() {
        let newSize = slots.count * 2
        var newSlots = [Int32](repeating: 0, count: newSize)
        let mask = newSize - 1
        for entry in 0..<entryHashes.count {
            var slot = Int(entryHashes[entry]) & mask
            while newSlots[slot] != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = Int32(entry + 1)
        }
        slots = newSlots
    }

    /// A fast non-cryptographic hash, eight bytes at a time (multiply-xorshift mixing).
    @inline(__always)
    static func hash(_ value: UnsafeRawBufferPointer) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(value.count)
        var offset = 0
        let count = value.count
        while offset + 8 <= count {
            let word = value.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(value[offset]) << shift
                shift += 8
                offset += 1
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return UInt32(truncatingIfNeeded: h)
    }
}
