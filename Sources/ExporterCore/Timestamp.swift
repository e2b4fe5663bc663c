/// Timestamp text in the forms the contract fixes (DESIGN §2, §5).
public enum Timestamp {
    /// Microseconds between 1970-01-01 and 2000-01-01, PostgreSQL's epoch.
    public static let postgresEpochOffsetMicros: Int64 = 946_684_800_000_000

    /// RFC 3339 UTC with microseconds only when non-zero: `2025-10-11T14:30:22.123456Z`.
    public static func rfc3339(micros: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        appendRFC3339(micros: micros) { bytes.append($0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func rfc3339(seconds: Int64) -> String {
        rfc3339(micros: seconds * 1_000_000)
    }

    /// Writes the RFC 3339 form byte by byte, so encoders can put it straight into their buffer.
    @inlinable
    public static func appendRFC3339(micros: Int64, _ write: (UInt8) -> Void) {
        let seconds = micros.floorDiv(1_000_000)
        let fraction = micros - seconds * 1_000_000
        let days = seconds.floorDiv(86_400)
        let secondOfDay = seconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        writeDigits(date.year, 4, write)
        write(UInt8(ascii: "-"))
        writeDigits(date.month, 2, write)
        write(UInt8(ascii: "-"))
        writeDigits(date.day, 2, write)
        write(UInt8(ascii: "T"))
        writeDigits(secondOfDay / 3_600, 2, write)
        write(UInt8(ascii: ":"))
        writeDigits(secondOfDay % 3_600 / 60, 2, write)
        write(UInt8(ascii: ":"))
        writeDigits(secondOfDay % 60, 2, write)
        if fraction != 0 {
            write(UInt8(ascii: "."))
            writeDigits(fraction, 6, write)
        }
        write(UInt8(ascii: "Z"))
    }

    /// `yyyyMMdd'T'HHmmss'Z'`, the form used in object keys.
    public static func compact(seconds: Int64) -> String {
        var bytes: [UInt8] = []
        let days = seconds.floorDiv(86_400)
        let secondOfDay = seconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        let write: (UInt8) -> Void = { bytes.append($0) }
        writeDigits(date.year, 4, write)
        writeDigits(date.month, 2, write)
        writeDigits(date.day, 2, write)
        write(UInt8(ascii: "T"))
        writeDigits(secondOfDay / 3_600, 2, write)
        writeDigits(secondOfDay % 3_600 / 60, 2, write)
        writeDigits(secondOfDay % 60, 2, write)
        write(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `2026-11-20T00:00:00Z` (RFC 3339, any offset, optional fraction) or a plain date
    /// `2026-11-20` (midnight UTC) into seconds since the epoch; fractions are truncated.
    public static func parse(_ text: String) -> Int64? {
        parseMicros(text)?.floorDiv(1_000_000)
    }

    /// Microseconds since the epoch from RFC 3339 or PostgreSQL's ISO output (the one parser of
    /// both, so the CLI and the run history read instants alike): a date, then optionally `T`,
    /// `t` or a space, the time, a fraction (kept to the microsecond), and the offset, required:
    /// `Z` or `±HH`, `±HH:MM`, `±HH:MM:SS`. A plain date is midnight UTC. nil for anything else
    /// (a date that does not exist, a missing offset, a BC date).
    /// ISO output: https://www.postgresql.org/docs/15/datatype-datetime.html#DATATYPE-DATETIME-OUTPUT
    public static func parseMicros(_ text: String) -> Int64? {
        var scanner = Scanner(bytes: Array(text.utf8))
        guard let year = scanner.number(minimumWidth: 4), scanner.skip("-"),
              let month = scanner.number(width: 2), (1...12).contains(month), scanner.skip("-"),
              let day = scanner.number(width: 2) else { return nil }
        let date = CivilDate(year: year, month: month, day: day)
        guard CivilDate(daysSinceEpoch: date.daysSinceEpoch) == date else { return nil }
        let midnight = date.daysSinceEpoch * 86_400 * 1_000_000
        if scanner.isAtEnd { return midnight }
        guard scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
              let hour = scanner.number(width: 2), hour < 24, scanner.skip(":"),
              let minute = scanner.number(width: 2), minute < 60, scanner.skip(":"),
              let second = scanner.number(width: 2), second < 61 else { return nil }
        var fraction: Int64 = 0
        if scanner.skip(".") {
            var digits = 0
            while let d = scanner.digit() {
                if digits < 6 { fraction = fraction * 10 + d }
                digits += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { fraction *= 10 }
        }
        var offset: Int64 = 0
        if scanner.skip("Z") || scanner.skip("z") {
            offset = 0
        } else if let sign = scanner.sign(), let h = scanner.number(width: 2), h < 24 {
            var m: Int64 = 0, s: Int64 = 0
            if scanner.skip(":") {
                guard let mm = scanner.number(width: 2), mm < 60 else { return nil }
                m = mm
                if scanner.skip(":") {
                    guard let ss = scanner.number(width: 2), ss < 60 else { return nil }
                    s = ss
                }
            }
            offset = sign * (h * 3_600 + m * 60 + s)
        } else {
            return nil
        }
        guard scanner.isAtEnd else { return nil }
        return midnight + ((hour * 60 + minute) * 60 + second - offset) * 1_000_000 + fraction
    }

    /// Reads the digits and signs of a timestamp, byte by byte.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { index == bytes.count }

        mutating func digit() -> Int64? {
            guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { return nil }
            defer { index += 1 }
            return Int64(bytes[index] - 48)
        }

        /// Exactly `width` digits.
        mutating func number(width: Int) -> Int64? {
            number(minimumWidth: width, maximumWidth: width)
        }

        /// From `minimumWidth` to `maximumWidth` digits (a year may have more than four).
        mutating func number(minimumWidth: Int, maximumWidth: Int = 9) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while count < maximumWidth, let d = digit() {
                value = value * 10 + d
                count += 1
            }
            return count >= minimumWidth ? value : nil
        }

        mutating func skip(_ c: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: c) else { return false }
            index += 1
            return true
        }

        mutating func sign() -> Int64? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }
    }

    @inlinable
    static func writeDigits(_ value: Int64, _ width: Int, _ write: (UInt8) -> Void) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        if v < 0 { write(UInt8(ascii: "-")); v = -v }
        while divisor > 0 {
            write(UInt8(48 + (v / divisor) % 10))
            divisor /= 10
        }
    }
}
