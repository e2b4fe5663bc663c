@testable import ParquetWriter
import Testing

/// PLAIN encodings (Encodings.md): little-endian integers, length-prefixed byte arrays,
/// LSB-first booleans, big-endian two's complement decimals.
struct PlainEncoderTests {
    @Test func integersAreLittleEndian() {
        #expect(PlainEncoder.encode(int32: -2) == hex("FE FF FF FF"))
        #expect(PlainEncoder.encode(int32: 0x0102_0304) == hex("04 03 02 01"))
        #expect(PlainEncoder.encode(int64: 1) == hex("01 00 00 00 00 00 00 00"))
        #expect(PlainEncoder.encode(int64: Int64.min) == hex("00 00 00 00 00 00 00 80"))
    }

    @Test func byteArraysHaveAFourByteLengthPrefix() {
        var out: [UInt8] = []
        Array("héj".utf8).withUnsafeBytes { PlainEncoder.append(byteArray: $0, to: &out) }
        [UInt8]().withUnsafeBytes { PlainEncoder.append(byteArray: $0, to: &out) }
        #expect(out == hex("04 00 00 00 68 C3 A9 6A  00 00 00 00"))
    }

    @Test func booleansAreBitPackedLeastSignificantBitFirst() {
        var packer = BooleanBitPacker()
        for value in [true, false, true, true, false, false, false, false, true] { packer.append(value) }
        #expect(packer.bytes == hex("0D 01"))
        #expect(packer.count == 9)
    }
}
