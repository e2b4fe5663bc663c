/// How the logs write a `Duration`: seconds with exactly three decimals (`114.763s`).
///
/// `Duration`'s own description prints every attosecond (`114.76280027300001 seconds`), which
/// nobody reading a log needs and which makes durations hard to compare by eye.
public enum DurationText {
    /// `duration` rounded to the nearest millisecond, as `<seconds>.<millis>s`.
    public static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        // Round half away from zero; attoseconds carry the sign of the whole duration.
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let millisOfFraction = (attoseconds + (attoseconds >= 0 ? 1 : -1) * perMillisecond / 2) / perMillisecond
        let total = seconds * 1_000 + millisOfFraction
        let magnitude = total.magnitude
        let fraction = String(magnitude % 1_000)
        let padded = String(repeating: "0", count: 3 - fraction.count) + fraction
        return "\(total < 0 ? "-" : "")\(magnitude / 1_000).\(padded)s"
    }
}
