@testable import ParquetWriter
import Testing

/// Interning: stable indices, PLAIN-encoded storage, a hard byte limit, reuse after a reset.
struct ByteArrayDictionaryTests {
    func intern(_ dictionary: inout ByteArrayDictionary, _ text: String, limit: Int = 1 << 20)
        -> ByteArrayDictionary.Interned
    {
        Array(text.utf8).withUnsafeBytes { dictionary.intern($0, byteLimit: limit) }
    }

    @Test func indicesAreStableAndStorageIsThePlainDictionaryPage() {
        var dictionary = ByteArrayDictionary()
        #expect(intern(&dictionary, "a") == .inserted(0))
        #expect(intern(&dictionary, "bc") == .inserted(1))
        #expect(intern(&dictionary, "a") == .existing(0))
        #expect(intern(&dictionary, "") == .inserted(2))
        #expect(intern(&dictionary, "") == .existing(2))
        #expect(dictionary.plainBytes == hex("01000000 61  02000000 6263  00000000"))
    }

    @Test func manyEntriesSurviveTableGrowth() {
        var dictionary = ByteArrayDictionary()
        for i in 0..<10_000 { #expect(intern(&dictionary, "key-\(i)") == .inserted(UInt32(i))) }
        for i in stride(from: 0, to: 10_000, by: 7) { #expect(intern(&dictionary, "key-\(i)") == .existing(UInt32(i))) }
        #expect(dictionary.count == 10_000)
        #expect(dictionary.withEntry(1234) { Array($0) } == Array("key-1234".utf8))
    }

    @Test func theByteLimitIsNeverPassed() {
        var dictionary = ByteArrayDictionary()
        #expect(intern(&dictionary, "12345", limit: 12) == .inserted(0))  // 4 + 5 = 9 bytes
        #expect(intern(&dictionary, "x", limit: 12) == .full)  // 9 + 5 > 12
        #expect(intern(&dictionary, "12345", limit: 12) == .existing(0))
        dictionary.removeAll()
        #expect(dictionary.count == 0 && dictionary.plainBytes.isEmpty)
        #expect(intern(&dictionary, "x", limit: 12) == .inserted(0))
    }
}

/// Unsigned byte order, the BYTE_ARRAY statistics order, across the word-at-a-time fast path.
struct ByteComparisonTests {
    func precedes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.withUnsafeBytes { l in rhs.withUnsafeBytes { r in ByteComparison.precedes(l, r) } }
    }

    @Test func matchesLexicographicOrder() {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            let common = (0..<Int(generator.next() % 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let lhs = common + (0..<Int(generator.next() % 12)).map { _ in UInt8(truncatingIfNeeded: generator.next() % 3 * 127) }
            let rhs = common + (0..<Int(generator.next() % 12)).map { _ in UInt8(truncatingIfNeeded: generator.next() % 3 * 127) }
            #expect(precedes(lhs, rhs) == lhs.lexicographicallyPrecedes(rhs), "\(lhs) vs \(rhs)")
        }
        #expect(precedes([0x7F], [0x80]) && !precedes([0x80], [0x7F]))
        #expect(precedes(Array(repeating: 1, count: 9), Array(repeating: 1, count: 10)))
    }
}
