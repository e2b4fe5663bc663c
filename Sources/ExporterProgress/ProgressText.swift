import ExporterCore

/// How progress reads to a person: rows with thousands separators, bytes in binary units, a rate,
/// a window as the dates it covers. Pure, so the exact text is unit-tested; the terminal line and
/// the daemon's log both use it.
public enum ProgressText {
    /// `1234567` as `1,234,567`.
    public static func count(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// Bytes as `512 B`, `1.5 KiB`, `12.3 MiB`, `1.0 GiB`, `2.5 TiB` (one decimal, rounded half up).
    public static func bytes(_ value: Int64) -> String {
        guard value >= 1024 else { return "\(value) B" }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB"]
        // Tenths of the unit `scale`, rounded half up, without overflowing for any Int64.
        func tenths(_ scale: Int64) -> Int64 { value / scale * 10 + ((value % scale) * 10 + scale / 2) / scale }
        var unit = 0
        var scale: Int64 = 1024
        // The smallest unit whose rounded value stays below 1024.
        while unit < units.count - 1 && tenths(scale) >= 10 * 1024 {
            unit += 1
            scale *= 1024
        }
        let rounded = tenths(scale)
        return "\(rounded / 10).\(rounded % 10) \(units[unit])"
    }

    /// Rows per second, rounded to a whole row: `8,123 rows/s`.
    public static func rate(_ rowsPerSecond: Double) -> String {
        "\(count(wholeRate(rowsPerSecond))) rows/s"
    }

    /// A rate rounded to a whole number; 0 for nothing measurable, capped far above any real rate
    /// (a few rows over a few nanoseconds would not fit an Int64).
    public static func wholeRate(_ rowsPerSecond: Double) -> Int64 {
        guard rowsPerSecond.isFinite, rowsPerSecond > 0 else { return 0 }
        return Int64(min(rowsPerSecond, 1e15).rounded())
    }

    /// A window as the dates it covers: `2026-11-20` for one day, `2026-11-16..2026-11-23` for
    /// days, full RFC 3339 times when it does not start and end at midnight.
    public static func window(_ window: ExportWindow) -> String {
        let midnights = window.start % 86_400 == 0 && window.end % 86_400 == 0
        guard midnights else {
            return "\(Timestamp.rfc3339(seconds: window.start))..\(Timestamp.rfc3339(seconds: window.end))"
        }
        let start = String(Timestamp.rfc3339(seconds: window.start).prefix(10))
        if window.end - window.start == 86_400 { return start }
        return "\(start)..\(Timestamp.rfc3339(seconds: window.end).prefix(10))"
    }

    /// A run's figures as one line, without a line break:
    /// `conn_01 feature_usage 2026-11-20 (window 3 of 7): 12,345 rows, 1.2 MiB read, 300.5 KiB uploaded, 8,123 rows/s`.
    /// `position` is the run's place among the runs a command planned (backfill), if known.
    public static func line(_ key: RunKey, _ progress: RunProgress, position: (index: Int, total: Int)? = nil) -> String {
        var line = "\(key.connectionID) \(key.entity.rawValue) \(window(key.window))"
        if let position { line += " (window \(position.index) of \(position.total))" }
        line += ": \(CountText.of(progress.rows, "row", digits: count)), \(bytes(progress.bytesRead)) read, "
        line += "\(bytes(progress.bytesUploaded)) uploaded, \(rate(progress.rowsPerSecond))"
        return line
    }
}
