import Foundation

/// RFC 3339 timestamps in UTC (https://www.rfc-editor.org/rfc/rfc3339#section-5.6), for log lines.
///
/// Computed with Howard Hinnant's `civil_from_days` rather than a `DateFormatter`: no locale,
/// time zone or calendar state to share between threads, and cheap on every log line.
enum UTCTimestamp {
    /// `2026-11-25T20:00:00.123Z` or, without milliseconds, `2026-11-25T20:00:00Z`.
    /// Rounded to the nearest millisecond: `Date` is a binary floating-point count of seconds,
    /// so flooring could turn .123 into .122.
    static func rfc3339(_ date: Date, milliseconds: Bool) -> String {
        let total = Int64(exactly: (date.timeIntervalSince1970 * 1000).rounded()) ?? 0 // NaN or out of range: the epoch
        let (seconds, millis) = floorDivide(total, 1000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)

        // civil_from_days
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)

        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if milliseconds { text += "." + pad(millis, 3) }
        return text + "Z"
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
