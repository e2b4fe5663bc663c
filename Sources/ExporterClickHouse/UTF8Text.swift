import ExporterCore

/// UTF-8 validity (RFC 3629) of a ClickHouse String, which may hold any bytes, and its repair.
enum UTF8Text {
    /// Whether `bytes` are well-formed UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
    @inline(__always)
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        // ASCII, eight bytes at a time: the common case for ids and names.
        while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
        while i < n {
            if bytes[i] < 0x80 {
                i += 1
                continue
            }
            guard let width = sequenceLength(bytes, at: i) else { return false }
            i += width
        }
        return true
    }

    /// `bytes` with each maximal ill-formed subsequence replaced by U+FFFD (the Unicode
    /// Standard's "substitution of maximal subparts", as Swift's own decoding does).
    static func writeRepaired(_ bytes: UnsafeRawBufferPointer, into out: inout RawByteWriter) {
        var i = 0
        var runStart = 0
        while i < bytes.count {
            if bytes[i] < 0x80 {
                i += 1
                continue
            }
            if let width = sequenceLength(bytes, at: i) {
                i += width
                continue
            }
            if i > runStart { out.write(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i])) }
            out.write(0xEF)
            out.write(0xBF)
            out.write(0xBD)
            i += maximalSubpart(bytes, at: i)
            runStart = i
        }
        if bytes.count > runStart { out.write(UnsafeRawBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
    }

    /// The width of the well-formed multi-byte sequence at `i`, or nil (Unicode Table 3-7).
    @inline(__always)
    private static func sequenceLength(_ b: UnsafeRawBufferPointer, at i: Int) -> Int? {
        let lead = b[i]
        func cont(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool { i + k < b.count && range.contains(b[i + k]) }
        switch lead {
        case 0xC2...0xDF: return cont(1) ? 2 : nil
        case 0xE0: return cont(1, 0xA0...0xBF) && cont(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : nil
        case 0xED: return cont(1, 0x80...0x9F) && cont(2) ? 3 : nil
        case 0xF0: return cont(1, 0x90...0xBF) && cont(2) && cont(3) ? 4 : nil
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : nil
        case 0xF4: return cont(1, 0x80...0x8F) && cont(2) && cont(3) ? 4 : nil
        default: return nil
        }
    }

    /// How many bytes at `i` form one maximal subpart of an ill-formed sequence (at least 1).
    private static func maximalSubpart(_ b: UnsafeRawBufferPointer, at i: Int) -> Int {
        let lead = b[i]
        let second: ClosedRange<UInt8>
        let length: Int
        switch lead {
        case 0xC2...0xDF: (second, length) = (0x80...0xBF, 2)
        case 0xE0: (second, length) = (0xA0...0xBF, 3)
        case 0xE1...0xEC, 0xEE...0xEF: (second, length) = (0x80...0xBF, 3)
        case 0xED: (second, length) = (0x80...0x9F, 3)
        case 0xF0: (second, length) = (0x90...0xBF, 4)
        case 0xF1...0xF3: (second, length) = (0x80...0xBF, 4)
        case 0xF4: (second, length) = (0x80...0x8F, 4)
        default: return 1
        }
        var k = 1
        while k < length, i + k < b.count {
            let range: ClosedRange<UInt8> = k == 1 ? second : 0x80...0xBF
            guard range.contains(b[i + k]) else { break }
            k += 1
        }
        return k
    }
}
