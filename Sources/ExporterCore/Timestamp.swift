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
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var v: Int64 = 0
            for i in from..<(from + count) {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        let date = CivilDate(year: y, month: mo, day: d)
        guard CivilDate(daysSinceEpoch: date.daysSinceEpoch) == date else { return nil }
        let midnight = date.daysSinceEpoch * 86_400
        if b.count == 10 { return midnight }
        guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
              h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let digitsStart = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > digitsStart else { return nil }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == b.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == b.count, b[i + 3] == UInt8(ascii: ":"),
                  let oh = num(i + 1, 2), let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 3_600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        return midnight + h * 3_600 + mi * 60 + s - offset
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
