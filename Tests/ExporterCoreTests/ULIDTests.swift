import ExporterCore
import Testing

/// ULIDs (github.com/ulid/spec) against exact values: FlexPrice's task ids are `task_<ULID>`.
struct ULIDTests {
    /// The spec's example: time 1469918176385 encodes as `01ARYZ6S41` (ulid/javascript's README,
    /// `ulid(1469918176385)`); the 80 random bits are those of its example `TSV4RRFFQ69G5FAV`.
    @Test func theSpecsExample() {
        let random: [UInt8] = [0xD6, 0x76, 0x4C, 0x61, 0xEF, 0xB9, 0x93, 0x02, 0xBD, 0x5B]
        let ulid = ULID(milliseconds: 1_469_918_176_385, randomness: random)
        #expect(ulid.description == "01ARYZ6S41TSV4RRFFQ69G5FAV")
        #expect(ulid.description.prefix(10) == "01ARYZ6S41", "the time part alone")
    }

    @Test func theSmallestAndTheLargest() {
        #expect(ULID(milliseconds: 0, randomness: Array(repeating: 0, count: 10)).description
                == "00000000000000000000000000")
        // The spec's largest ULID: 48 bits of time and 80 of randomness all set.
        #expect(ULID(milliseconds: 0xFFFF_FFFF_FFFF, randomness: Array(repeating: 0xFF, count: 10)).description
                == "7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
    }

    /// Each bit lands in its place: one bit set at a time, in the time and in the randomness.
    @Test func singleBits() {
        #expect(ULID(milliseconds: 1, randomness: Array(repeating: 0, count: 10)).description
                == "00000000010000000000000000")
        #expect(ULID(milliseconds: 32, randomness: Array(repeating: 0, count: 10)).description
                == "00000000100000000000000000")
        var lowest = Array(repeating: UInt8(0), count: 10)
        lowest[9] = 1
        #expect(ULID(milliseconds: 0, randomness: lowest).description == "00000000000000000000000001")
        var highest = Array(repeating: UInt8(0), count: 10)
        highest[0] = 0x80
        // Bit 79 of the randomness is the top bit of the 11th character (bits 79...75): 16 = "G".
        #expect(ULID(milliseconds: 0, randomness: highest).description == "0000000000G000000000000000")
    }

    /// The alphabet is Crockford's: no I, L, O or U.
    @Test func crockfordsAlphabet() {
        let all = (0..<32).map { ULID(milliseconds: UInt64($0), randomness: Array(repeating: 0, count: 10)).description.dropFirst(9).first }
        #expect(String(all.compactMap { $0 }) == "0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    }

    @Test func theGeneratorUsesItsClockAndRandomness() {
        let generator = ULIDGenerator(clock: { 1_469_918_176_385 },
                                      random: { [0xD6, 0x76, 0x4C, 0x61, 0xEF, 0xB9, 0x93, 0x02, 0xBD, 0x5B] })
        #expect(generator.next().description == "01ARYZ6S41TSV4RRFFQ69G5FAV")
        let system = ULIDGenerator.system.next().description
        #expect(system.count == 26)
        #expect(system.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
        #expect(system != ULIDGenerator.system.next().description, "80 random bits differ")
    }
}
