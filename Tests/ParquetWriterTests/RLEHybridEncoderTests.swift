@testable import ParquetWriter
import Testing

/// RLE / bit-packing hybrid runs, against bytes worked out from Encodings.md, plus a round trip
/// through a small independent decoder for irregular inputs.
struct RLEHybridEncoderTests {
    @Test func aLongRunOfOnesIsOneRLERun() {
        // header varint(100 << 1 = 200) = C8 01, value in 1 byte.
        #expect(RLEHybridEncoder.encode([UInt8](repeating: 1, count: 100), bitWidth: 1) == hex("C8 01 01"))
    }

    @Test func theSpecExampleBitPacksZeroToSevenWithWidthThree() {
        // Encodings.md: 0...7 at bit width 3 -> 10001000 11000110 11111010.
        #expect(RLEHybridEncoder.encode([UInt32](0...7), bitWidth: 3) == hex("03 88 C6 FA"))
    }

    @Test func literalsBorrowFromTheFollowingRunToFillTheirGroup() {
        // 1,0,1,0,1 then ten 1s: one group 1,0,1,0,1,1,1,1 = 0xF5, then an RLE run of the 7 left.
        let values: [UInt8] = [1, 0, 1, 0, 1] + Array(repeating: 1, count: 10)
        #expect(RLEHybridEncoder.encode(values, bitWidth: 1) == hex("03 F5 0E 01"))
    }

    @Test func theLastGroupIsZeroPadded() {
        #expect(RLEHybridEncoder.encode([UInt8]([1, 0, 1]), bitWidth: 1) == hex("03 05"))
    }

    @Test func runValuesTakeWholeBytes() {
        // 8 x 300 at width 9: header 16 = 0x10, value 0x012C little endian in 2 bytes.
        #expect(RLEHybridEncoder.encode([UInt32](repeating: 300, count: 8), bitWidth: 9) == hex("10 2C 01"))
    }

    @Test func bitWidths() {
        #expect(RLEHybridEncoder.bitWidth(forMaxValue: 0) == 0)
        #expect(RLEHybridEncoder.bitWidth(forMaxValue: 1) == 1)
        #expect(RLEHybridEncoder.bitWidth(forMaxValue: 255) == 8)
        #expect(RLEHybridEncoder.bitWidth(forMaxValue: 256) == 9)
    }

    @Test(arguments: [1, 2, 3, 7, 8, 13, 20, 32])
    func roundTripsIrregularInput(bitWidth: Int) {
        var generator = SplitMix64(seed: UInt64(bitWidth))
        let maxValue: UInt64 = bitWidth == 32 ? UInt64(UInt32.max) : (1 << UInt64(bitWidth)) - 1
        var values: [UInt32] = []
        while values.count < 5_000 {
            let value = UInt32(generator.next() % (maxValue + 1))
            // Mix short literals and long runs.
            let repeats = generator.next() % 4 == 0 ? Int(generator.next() % 40) + 1 : 1
            values.append(contentsOf: repeatElement(value, count: repeats))
        }
        let encoded = RLEHybridEncoder.encode(values, bitWidth: bitWidth)
        #expect(decodeHybrid(encoded, bitWidth: bitWidth, count: values.count) == values)
    }
}

/// A minimal RLE/bit-packed hybrid decoder written from the spec, independent of the encoder.
func decodeHybrid(_ bytes: [UInt8], bitWidth: Int, count: Int) -> [UInt32] {
    var out: [UInt32] = []
    var position = 0
    func varint() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return result
    }
    while out.count < count && position < bytes.count {
        let header = varint()
        if header & 1 == 1 {
            let valueCount = Int(header >> 1) * 8
            var bitPosition = 0
            for _ in 0..<valueCount {
                var value: UInt64 = 0
                for bit in 0..<bitWidth {
                    let absolute = bitPosition + bit
                    let byte = bytes[position + absolute / 8]
                    value |= UInt64((byte >> UInt8(absolute % 8)) & 1) << UInt64(bit)
                }
                bitPosition += bitWidth
                if out.count < count { out.append(UInt32(value)) }
            }
            position += valueCount * bitWidth / 8
        } else {
            let runLength = Int(header >> 1)
            var value: UInt64 = 0
            for index in 0..<((bitWidth + 7) / 8) {
                value |= UInt64(bytes[position + index]) << UInt64(8 * index)
            }
            position += (bitWidth + 7) / 8
            out.append(contentsOf: repeatElement(UInt32(value), count: runLength))
        }
    }
    return out
}

/// A tiny deterministic generator so the tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
