/// DECIMAL(p, s) as Parquet stores it: the unscaled integer (value × 10^s), in INT32 for
/// p <= 9, INT64 for p <= 18 and otherwise a 16-byte FIXED_LEN_BYTE_ARRAY holding its big-endian
/// two's complement (DESIGN §5a; PostgreSQL's numeric(p,s) with p <= 38).
///
/// The exporter's source hands numerics over as exact ASCII text (`-1234.5600`), so the text
/// parser here is the hot path: no `String`, no floating point.
/// Spec: https://github.com/apache/parquet-format/blob/master/LogicalTypes.md#decimal
public enum ParquetDecimal {
    /// The largest precision a 16-byte two's complement integer holds in full.
    public static let maxPrecision = 38

    /// Why a decimal's text cannot be stored in a DECIMAL(p, s) column.
    public enum TextError: Error, Sendable, Equatable {
        /// Not `[+-]digits[.digits]` (NaN, Infinity, exponents and empty text land here).
        case notADecimal
        /// More fractional digits than the scale, and not all of them zero.
        case tooManyFractionDigits
        /// The value has more than `precision` digits.
        case outOfRange
    }

    /// The physical type for a precision: the narrowest one the spec allows.
    public static func physicalType(precision: Int) -> ParquetPhysicalType {
        if precision <= 9 { return .int32 }
        if precision <= 18 { return .int64 }
        return .fixedLenByteArray
    }

    /// 10^0 ... 10^38, computed once: the per-value precision checks look them up.
    private static let powersOfTen: [Int128] = {
        var powers: [Int128] = [1]
        for _ in 1...maxPrecision { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()

    /// 10^exponent for 0...38.
    public static func powerOfTen(_ exponent: Int) -> Int128 {
        powersOfTen[exponent]
    }

    /// The largest unscaled magnitude of DECIMAL(precision, _): 10^precision - 1.
    public static func maxUnscaled(precision: Int) -> Int128 {
        powerOfTen(precision) - 1
    }

    /// Appends `value`'s 16-byte big-endian two's complement.
    @inline(__always)
    public static func appendBigEndian(_ value: Int128, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    public static func bigEndianBytes(_ value: Int128) -> [UInt8] {
        var out: [UInt8] = []
        appendBigEndian(value, to: &out)
        return out
    }

    /// Parses ASCII decimal text into the unscaled integer at `scale`, checking `precision`.
    public static func unscaled(
        text: UnsafeRawBufferPointer, precision: Int, scale: Int
    ) throws(TextError) -> Int128 {
        var index = 0
        var negative = false
        if let first = text.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            index = 1
        }
        var magnitude: Int128 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        let limit = maxUnscaled(precision: precision)
        while index < text.count {
            let byte = text[index]
            index += 1
            if byte == UInt8(ascii: ".") {
                if seenPoint { throw .notADecimal }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { throw .notADecimal }
            digits += 1
            let digit = Int128(byte &- UInt8(ascii: "0"))
            if seenPoint {
                fractionDigits += 1
                if fractionDigits > scale {
                    // Digits beyond the scale are accepted only as trailing zeros.
                    if digit != 0 { throw .tooManyFractionDigits }
                    continue
                }
            }
            magnitude = try appendingDigit(digit, to: magnitude, limit: limit)
        }
        guard digits > 0 else { throw .notADecimal }
        let missing = scale - min(fractionDigits, scale)
        for _ in 0..<missing {
            magnitude = try appendingDigit(0, to: magnitude, limit: limit)
        }
        return negative ? -magnitude : magnitude
    }

    /// `magnitude * 10 + digit`, refused past `limit`. At precision 38 the product can pass
    /// `Int128.max` (about 1.7e38) before the limit check sees it, so overflow is checked too: a
    /// wrapped value would otherwise pass as a small, wrong number.
    @inline(__always)
    private static func appendingDigit(_ digit: Int128, to magnitude: Int128, limit: Int128) throws(TextError) -> Int128 {
        let (times10, overflowed) = magnitude.multipliedReportingOverflow(by: 10)
        let (next, carried) = times10.addingReportingOverflow(digit)
        guard !overflowed, !carried, next <= limit else { throw .outOfRange }
        return next
    }

    /// Convenience over ``unscaled(text:precision:scale:)`` for tests and literals.
    public static func unscaled(_ text: String, precision: Int, scale: Int) throws(TextError) -> Int128 {
        var copy = text
        let result: Result<Int128, TextError> = copy.withUTF8 { buffer in
            do throws(TextError) {
                return .success(try unscaled(text: UnsafeRawBufferPointer(buffer), precision: precision, scale: scale))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
