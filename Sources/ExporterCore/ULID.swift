import Foundation

/// A ULID (github.com/ulid/spec): 48 bits of Unix time in milliseconds, then 80 random bits,
/// written as 26 characters of Crockford's base32 (`0123456789ABCDEFGHJKMNPQRSTVWXYZ`).
///
/// FlexPrice names its rows `<prefix>_<ULID>` (`task_01ARYZ6S41TSV4RRFFQ69G5FAV`); the rows the
/// exporter writes into FlexPrice's `tasks` table are named the same way. The clock and the
/// randomness are parameters, so the encoding is tested against exact values.
public struct ULID: Sendable, Hashable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch; only the low 48 bits are encoded.
    public let milliseconds: UInt64
    /// The 80 random bits, most significant byte first.
    public let randomness: [UInt8]

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// - Precondition: `randomness` holds exactly 10 bytes (a programming error otherwise).
    public init(milliseconds: UInt64, randomness: [UInt8]) {
        precondition(randomness.count == 10, "a ULID holds 80 random bits (10 bytes)")
        self.milliseconds = milliseconds & 0xFFFF_FFFF_FFFF
        self.randomness = randomness
    }

    /// The 26-character text.
    public var description: String {
        var value = UInt128(milliseconds) << 80
        for (index, byte) in randomness.enumerated() {
            value |= UInt128(byte) << (8 * (9 - index))
        }
        var text: [UInt8] = []
        text.reserveCapacity(26)
        for index in 0..<26 {
            text.append(Self.alphabet[Int((value >> (5 * (25 - index))) & 31)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Makes ULIDs from a clock and a source of random bytes.
public struct ULIDGenerator: Sendable {
    /// Milliseconds since the Unix epoch.
    public let clock: @Sendable () -> UInt64
    /// 10 random bytes.
    public let random: @Sendable () -> [UInt8]

    public init(clock: @escaping @Sendable () -> UInt64, random: @escaping @Sendable () -> [UInt8]) {
        self.clock = clock
        self.random = random
    }

    /// The wall clock and the system's cryptographic random source.
    public static let system = ULIDGenerator(
        clock: { UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down))) },
        random: {
            var generator = SystemRandomNumberGenerator()
            return (0..<10).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        })

    public func next() -> ULID {
        ULID(milliseconds: clock(), randomness: random())
    }
}
