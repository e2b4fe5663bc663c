/// A half-open time range `[start, end)` in UTC, aligned to a ``SyncInterval``.
///
/// Times are whole seconds since the Unix epoch: windows start on a quarter hour at the finest,
/// so nothing finer is ever needed, and integer arithmetic keeps the key layout and the SQL
/// bounds exact.
public struct ExportWindow: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Inclusive start, seconds since 1970-01-01T00:00:00Z.
    public let start: Int64
    /// Exclusive end, seconds since 1970-01-01T00:00:00Z.
    public let end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// The aligned window of `interval` that contains `instant`.
    public init(containing instant: Int64, interval: SyncInterval) {
        let day = CivilDate(daysSinceEpoch: instant.floorDiv(86_400))
        switch interval {
        case .fifteenMinutes, .thirtyMinutes, .hourly:
            // Aligned to the epoch, so to every hour and midnight (both are multiples of the step).
            let step = interval.fixedSeconds ?? 3_600
            let start = instant.floorDiv(step) * step
            self.init(start: start, end: start + step)
        case .daily:
            let start = day.daysSinceEpoch * 86_400
            self.init(start: start, end: start + 86_400)
        case .weekly:
            // ISO weeks start on Monday; 1970-01-01 was a Thursday (weekday index 3 from Monday).
            let days = day.daysSinceEpoch
            let mondayOffset = (days + 3).floorMod(7)
            let start = (days - mondayOffset) * 86_400
            self.init(start: start, end: start + 7 * 86_400)
        case .monthly:
            let first = CivilDate(year: day.year, month: day.month, day: 1)
            let next = day.month == 12
                ? CivilDate(year: day.year + 1, month: 1, day: 1)
                : CivilDate(year: day.year, month: day.month + 1, day: 1)
            self.init(start: first.daysSinceEpoch * 86_400, end: next.daysSinceEpoch * 86_400)
        }
    }

    /// The window right after this one.
    public func next(_ interval: SyncInterval) -> ExportWindow {
        ExportWindow(containing: end, interval: interval)
    }

    /// The window right before this one.
    public func previous(_ interval: SyncInterval) -> ExportWindow {
        ExportWindow(containing: start - 1, interval: interval)
    }

    /// The latest window whose end plus `grace` is not after `now`: the newest one that is due.
    public static func latestDue(now: Int64, grace: Int64, interval: SyncInterval) -> ExportWindow {
        ExportWindow(containing: now - grace, interval: interval).previous(interval)
    }

    /// Every window of `interval` from the one holding `from` through the last that ends by
    /// `end`, oldest first (`backfill`'s range).
    public static func windows(from: Int64, endingBy end: Int64, interval: SyncInterval) -> [ExportWindow] {
        var windows: [ExportWindow] = []
        var window = ExportWindow(containing: from, interval: interval)
        while window.end <= end {
            windows.append(window)
            window = window.next(interval)
        }
        return windows
    }

    /// `yyyyMMdd'T'HHmmss'Z'` of the start, as used in object keys.
    public var compactStart: String { Timestamp.compact(seconds: start) }
    /// `yyyyMMdd'T'HHmmss'Z'` of the end, as used in object keys.
    public var compactEnd: String { Timestamp.compact(seconds: end) }

    public var description: String {
        "[\(Timestamp.rfc3339(seconds: start)), \(Timestamp.rfc3339(seconds: end)))"
    }
}

extension Int64 {
    @inlinable func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }

    @inlinable func floorMod(_ d: Int64) -> Int64 {
        self - self.floorDiv(d) * d
    }
}
