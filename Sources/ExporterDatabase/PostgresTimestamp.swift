import ExporterCore

/// timestamptz in PostgreSQL's text form, both ways: parameters are sent as RFC 3339 UTC, and
/// results arrive in the ISO `DateStyle` each connection sets (`2026-11-27 15:22:39.123456+00`).
/// Output format: https://www.postgresql.org/docs/15/datatype-datetime.html#DATATYPE-DATETIME-OUTPUT
enum PostgresTimestamp {
    /// `micros` since the epoch as RFC 3339 UTC, which timestamptz input reads in any DateStyle.
    static func text(micros: Int64) -> String {
        Timestamp.rfc3339(micros: micros)
    }

    /// Microseconds since the epoch from ISO output: `YYYY-MM-DD HH:MM:SS[.ffffff]`, then an
    /// offset `+HH`, `+HH:MM` or `+HH:MM:SS` (none for `timestamp`, read as UTC). `infinity` and
    /// `-infinity` are the extremes of Int64. nil for anything else (a BC date, another DateStyle).
    static func micros(fromText text: String) -> Int64? {
        if text == "infinity" { return .max }
        if text == "-infinity" { return .min }
        var scanner = Scanner(bytes: Array(text.utf8))
        guard let year = scanner.number(), year <= 294_276, scanner.skip("-"),
              let month = scanner.number(width: 2), (1...12).contains(month), scanner.skip("-"),
              let day = scanner.number(width: 2), (1...31).contains(day),
              scanner.skip(" ") || scanner.skip("T"),
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
        if let sign = scanner.sign() {
            guard let h = scanner.number(width: 2) else { return nil }
            var m: Int64 = 0, s: Int64 = 0
            if scanner.skip(":") {
                guard let mm = scanner.number(width: 2) else { return nil }
                m = mm
                if scanner.skip(":") {
                    guard let ss = scanner.number(width: 2) else { return nil }
                    s = ss
                }
            }
            offset = sign * (h * 3_600 + m * 60 + s)
        }
        guard scanner.isAtEnd else { return nil }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset
        return seconds * 1_000_000 + fraction
    }

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

        /// Digits: exactly `width` of them, or (nil) at least one.
        mutating func number(width: Int? = nil) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while width.map({ count < $0 }) ?? true, let d = digit() {
                value = value * 10 + d
                count += 1
            }
            guard count > 0, width.map({ count == $0 }) ?? true else { return nil }
            return value
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
}
