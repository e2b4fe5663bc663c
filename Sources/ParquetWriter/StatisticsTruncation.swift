/// Shortens string statistics so a footer stays small whatever the cell sizes.
///
/// A truncated minimum is a prefix of the real one (so still <= every value); a truncated maximum
/// is a prefix whose last character is incremented (so still > every value). Both are cut on a
/// UTF-8 character boundary so they remain valid STRING values, as the spec asks of bounds, and
/// both are then marked inexact (`is_min_value_exact` / `is_max_value_exact` false).
/// Spec: parquet.thrift `Statistics.min_value` / `max_value` and their exactness flags.
public enum StatisticsTruncation {
    /// The lower bound of `value` within `limit` bytes, and whether it is `value` itself.
    public static func lowerBound(_ value: [UInt8], limit: Int) -> (bytes: [UInt8], exact: Bool) {
        if value.count <= limit { return (value, true) }
        let cut = characterBoundary(value, atMost: limit)
        return (Array(value[0..<cut]), false)
    }

    /// The upper bound of `value` within `limit` bytes, and whether it is `value` itself. When no
    /// character of the prefix can be incremented (all U+10FFFF) the value is kept whole, exact.
    public static func upperBound(_ value: [UInt8], limit: Int) -> (bytes: [UInt8], exact: Bool) {
        if value.count <= limit { return (value, true) }
        var end = characterBoundary(value, atMost: limit)
        while end > 0 {
            let start = characterStart(value, before: end)
            if let scalar = decodeScalar(value, from: start, to: end),
               let next = nextScalar(after: scalar) {
                let encoded = Array(String(Character(next)).utf8)
                if start + encoded.count <= limit {
                    return (Array(value[0..<start]) + encoded, false)
                }
            }
            end = start
        }
        return (value, true)
    }

    /// The largest index <= `limit` that starts a character (or ends the bytes).
    static func characterBoundary(_ value: [UInt8], atMost limit: Int) -> Int {
        var cut = min(limit, value.count)
        while cut > 0 && cut < value.count && isContinuation(value[cut]) { cut -= 1 }
        return cut
    }

    /// The start of the character that ends at `end`.
    static func characterStart(_ value: [UInt8], before end: Int) -> Int {
        var start = end - 1
        while start > 0 && isContinuation(value[start]) { start -= 1 }
        return start
    }

    @inline(__always)
    static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }

    static func decodeScalar(_ value: [UInt8], from start: Int, to end: Int) -> Unicode.Scalar? {
        var iterator = value[start..<end].makeIterator()
        var decoder = Unicode.UTF8()
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar): return scalar
        case .emptyInput, .error: return nil
        }
    }

    /// The next Unicode scalar value (skipping the surrogate range), or nil after U+10FFFF.
    static func nextScalar(after scalar: Unicode.Scalar) -> Unicode.Scalar? {
        var candidate = scalar.value + 1
        if candidate >= 0xD800 && candidate <= 0xDFFF { candidate = 0xE000 }
        return Unicode.Scalar(candidate)
    }
}
