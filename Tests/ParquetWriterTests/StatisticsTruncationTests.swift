@testable import ParquetWriter
import Testing

/// String statistics: truncated on a character boundary, minimum a prefix, maximum a prefix with
/// its last character incremented, both still valid UTF-8 and flagged inexact.
struct StatisticsTruncationTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func shortValuesAreKeptExact() {
        let value = bytes(String(repeating: "a", count: 64))
        #expect(StatisticsTruncation.lowerBound(value, limit: 64) == (value, true))
        #expect(StatisticsTruncation.upperBound(value, limit: 64) == (value, true))
    }

    @Test func asciiIsCutAndTheMaximumRoundedUp() {
        let value = bytes(String(repeating: "a", count: 63) + "bcd")
        #expect(StatisticsTruncation.lowerBound(value, limit: 64) == (bytes(String(repeating: "a", count: 63) + "b"), false))
        #expect(StatisticsTruncation.upperBound(value, limit: 64) == (bytes(String(repeating: "a", count: 63) + "c"), false))
    }

    @Test func aMultiByteCharacterAcrossTheLimitIsLeftOut() {
        // 63 ASCII bytes then "é" (C3 A9): the cut falls inside "é", so the bound stops before it.
        let value = bytes(String(repeating: "z", count: 62) + "yé!")
        #expect(StatisticsTruncation.lowerBound(value, limit: 64) == (bytes(String(repeating: "z", count: 62) + "y"), false))
        #expect(StatisticsTruncation.upperBound(value, limit: 64) == (bytes(String(repeating: "z", count: 62) + "z"), false))
    }

    @Test func theIncrementStaysUTF8() {
        // "é" (U+00E9) + 1 = "ê" (U+00EA); U+D7FF + 1 skips the surrogates to U+E000.
        let accented = bytes(String(repeating: "é", count: 40))
        let (maxAccented, exact) = StatisticsTruncation.upperBound(accented, limit: 64)
        #expect(maxAccented == bytes(String(repeating: "é", count: 31) + "ê"))
        #expect(!exact)
        let beforeSurrogates = bytes(String(repeating: "a", count: 61) + "\u{D7FF}x")
        #expect(StatisticsTruncation.upperBound(beforeSurrogates, limit: 64).bytes
            == bytes(String(repeating: "a", count: 61) + "\u{E000}"))
    }

    @Test func anIncrementThatWouldOutgrowTheLimitMovesToThePreviousCharacter() {
        // U+007F + 1 = U+0080 takes two bytes: it no longer fits, so "b" before it becomes "c".
        let value = bytes(String(repeating: "a", count: 62) + "b\u{7F}zz")
        #expect(StatisticsTruncation.upperBound(value, limit: 64).bytes == bytes(String(repeating: "a", count: 62) + "c"))
        // A prefix of U+10FFFF only cannot be incremented: the value is kept whole and exact.
        let top = bytes(String(repeating: "\u{10FFFF}", count: 20))
        #expect(StatisticsTruncation.upperBound(top, limit: 64) == (top, true))
    }

    @Test func boundsOrderAroundTheValue() {
        var generator = SplitMix64(seed: 7)
        let alphabet: [Character] = ["a", "z", "é", "€", "😀", "\u{7F}", "\u{10FFFF}"]
        for _ in 0..<500 {
            let length = Int(generator.next() % 80)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            let value = bytes(text)
            let lower = StatisticsTruncation.lowerBound(value, limit: 64)
            let upper = StatisticsTruncation.upperBound(value, limit: 64)
            #expect(!value.lexicographicallyPrecedes(lower.bytes))
            #expect(upper.exact ? upper.bytes == value : value.lexicographicallyPrecedes(upper.bytes))
            #expect(String(validating: lower.bytes, as: UTF8.self) != nil)
            #expect(String(validating: upper.bytes, as: UTF8.self) != nil)
            #expect(lower.bytes.count <= 64 && (upper.exact || upper.bytes.count <= 64))
        }
    }
}
