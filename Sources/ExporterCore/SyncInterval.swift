/// How often a stream exports: the length of its windows, all aligned in UTC (DESIGN §4).
///
/// `15MIN`, `30MIN` and `hourly` are FlexPrice's own scheduled-task intervals (spelled as it stores
/// them); sub-daily windows are aligned to the hour, so every window of a day sits inside it and
/// the date folders of the object keys stay daily.
public enum SyncInterval: String, Sendable, CaseIterable, Codable, Hashable {
    case fifteenMinutes = "15MIN"
    case thirtyMinutes = "30MIN"
    case hourly
    case daily
    case weekly
    case monthly

    /// The window's length in seconds when it is fixed (up to a week); nil for months.
    public var fixedSeconds: Int64? {
        switch self {
        case .fifteenMinutes: 900
        case .thirtyMinutes: 1_800
        case .hourly: 3_600
        case .daily: 86_400
        case .weekly: 7 * 86_400
        case .monthly: nil
        }
    }
}
