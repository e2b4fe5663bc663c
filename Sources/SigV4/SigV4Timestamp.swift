#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The two renderings of the signing time that SigV4 needs: `x-amz-date` (`20150830T123600Z`)
/// and the credential-scope date stamp (`20150830`).
///
/// Computed by hand from the Unix time, in UTC, rather than with a `DateFormatter`, so the result
/// can never depend on the process locale, calendar or time zone, and both values are derived
/// from the same instant (a mismatch between them is rejected by AWS).
struct SigV4Timestamp: Sendable {
    /// `YYYYMMDD'T'HHMMSS'Z'`: the value of `x-amz-date` and the second line of the string to sign.
    let amzDate: String
    /// `YYYYMMDD`: the first component of the credential scope and the input of `kDate`.
    let dateStamp: String

    init(_ date: Date) {
        // Whole seconds, rounded down: SigV4 has second precision.
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        let hour = secondOfDay / 3600
        let minute = (secondOfDay % 3600) / 60
        let second = secondOfDay % 60

        let stamp = Self.pad(year, 4) + Self.pad(month, 2) + Self.pad(day, 2)
        dateStamp = stamp
        amzDate = stamp + "T" + Self.pad(hour, 2) + Self.pad(minute, 2) + Self.pad(second, 2) + "Z"
    }

    /// Howard Hinnant's `civil_from_days`: proleptic Gregorian date from days since 1970-01-01.
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
