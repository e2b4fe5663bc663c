/// A count with its noun, singular for exactly one: `1 row`, `0 rows`, `5,000 rows`
/// ("1 rows" reads as a mistake, and the operator then wonders what else is).
public enum CountText {
    /// `count` and `singular`, or `plural` (default: `singular` + "s") for any count but one.
    /// `digits` writes the number (plain by default).
    public static func of(_ count: Int64, _ singular: String, plural: String? = nil,
                          digits: (Int64) -> String = { String($0) }) -> String {
        "\(digits(count)) \(count == 1 ? singular : plural ?? singular + "s")"
    }
}
