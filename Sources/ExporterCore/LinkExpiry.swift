import Foundation

/// How long a presigned download link stays valid (`url --expires DURATION`, DESIGN §7).
///
/// S3 accepts `X-Amz-Expires` from 1 second to 7 days; a value outside that range would only be
/// refused later, by whoever opens the link, so it is refused here, when the operator can fix it.
/// Written as whole seconds (`3600`) or a number with one unit: `s`, `m`, `h` or `d` (`90s`,
/// `15m`, `1h`, `7d`).
public struct LinkExpiry: Sendable, Hashable, CustomStringConvertible {
    public let seconds: Int

    /// One hour: long enough to hand a link over, short enough that a leaked one soon dies.
    public static let defaultExpiry = LinkExpiry(uncheckedSeconds: 3600)
    /// S3's limit for SigV4 presigned URLs: 7 days.
    public static let maximumSeconds = 604_800

    private init(uncheckedSeconds: Int) {
        seconds = uncheckedSeconds
    }

    /// Parses `3600`, `90s`, `15m`, `1h` or `7d`.
    /// - Throws: ``LinkExpiryError`` saying what is wrong and what is accepted.
    public init(parsing text: String) throws(LinkExpiryError) {
        let trimmed = Substring(text.trimmingCharacters(in: .whitespaces))
        guard let last = trimmed.last else { throw .unreadable(text) }
        let unit: Int? = switch last {
        case "s": 1
        case "m": 60
        case "h": 3600
        case "d": 86_400
        default: nil
        }
        let digits = unit == nil ? trimmed : trimmed.dropLast()
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .unreadable(text)
        }
        // Anything longer than 7 digits is out of range in every unit; checking first keeps the
        // multiplication from overflowing.
        guard digits.count <= 7, let value = Int(digits) else { throw .outOfRange(text) }
        let total = value * (unit ?? 1)
        guard (1...Self.maximumSeconds).contains(total) else { throw .outOfRange(text) }
        seconds = total
    }

    /// The shortest exact form: `7d`, `1h`, `15m` or `90s`.
    public var description: String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}

/// Why a `--expires` value was refused.
public enum LinkExpiryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a number of seconds or a number with a unit.
    case unreadable(String)
    /// Below 1 second or above 7 days.
    case outOfRange(String)

    public var description: String {
        switch self {
        case .unreadable(let text):
            "--expires \"\(text.prefix(32))\" is not a duration: write seconds (3600) or a number with s, m, h or d (90s, 15m, 1h, 7d)"
        case .outOfRange(let text):
            "--expires \"\(text.prefix(32))\" is out of range: presigned URLs last from 1 second to 7 days (604800 s)"
        }
    }
}
