import CompressNIO
import ExporterCompressor
import NIOCore
import Testing

/// Parallel gzip: round trips across piece boundaries, a checksum with the standard's check
/// value, and byte-identical output for identical input however it arrives.
struct GzipCompressorTests {
    func gzip(_ chunks: [String], level: Int32 = 6, pieceBytes: Int = 1 << 20) async throws -> ByteBuffer {
        var compressor = try GzipCompressor(level: level, pieceBytes: pieceBytes)
        var out = ByteBuffer()
        for chunk in chunks {
            var input = ByteBuffer(string: chunk)
            try await compressor.compress(&input, into: &out)
            #expect(input.readableBytes == 0)
        }
        try await compressor.finish(into: &out)
        return out
    }

    @Test func roundTripsManyChunks() async throws {
        let chunks = (0..<5_000).map { "row \($0),some text,\($0 * 7)\r\n" }
        var compressed = try await gzip(chunks)
        let plain = try compressed.decompress(with: .gzip)
        #expect(String(buffer: plain) == chunks.joined())
    }

    /// Small pieces: dozens of sync-flushed raw deflate streams and a final one, in one member.
    @Test(arguments: [1, 7, 1_000, 4_096])
    func roundTripsAcrossPieceBoundaries(pieceBytes: Int) async throws {
        let chunks = (0..<2_000).map { "\($0 % 13),\"quoted\",\($0 * 31)\n" }
        var compressed = try await gzip(chunks, pieceBytes: pieceBytes)
        #expect(String(buffer: try compressed.decompress(with: .gzip)) == chunks.joined())
    }

    @Test func aFileAfterAFileStartsAFreshMember() async throws {
        var compressor = try GzipCompressor(pieceBytes: 64)
        var files = try await compressEachAsAFile(&compressor, [String(repeating: "first file ", count: 50), "second"])
        #expect(String(buffer: try files[0].decompress(with: .gzip)) == String(repeating: "first file ", count: 50))
        #expect(String(buffer: try files[1].decompress(with: .gzip)) == "second")
    }

    @Test func isDeterministicWithAFixedHeader() async throws {
        let a = try await gzip(["hello, ", "world"], pieceBytes: 4)
        let b = try await gzip(["hello, world"], pieceBytes: 4)
        #expect(a == b)
        // RFC 1952 header: magic 1f 8b, deflate (8), no flags, mtime 0, XFL 0, OS 3 (Unix).
        #expect(Array(a.readableBytesView.prefix(10)) == [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 3])
        // Trailer: CRC-32 and length of "hello, world", little-endian.
        var crc = CRC32()
        Array("hello, world".utf8).withUnsafeBytes { crc.update($0) }
        let trailer = Array(a.readableBytesView.suffix(8))
        #expect(trailer == withUnsafeBytes(of: crc.value.littleEndian, Array.init) + [12, 0, 0, 0])
    }

    @Test func theLevelIsCheckedWhenTheCompressorIsMade() {
        #expect(throws: CompressorError.invalidLevel(42)) { try GzipCompressor(level: 42) }
        #expect(throws: CompressorError.invalidLevel(0)) { try GzipCompressor(level: 0) }
        #expect(throws: Never.self) { try GzipCompressor(level: 9) }
    }

    @Test func anEmptyStreamIsAValidGzipFile() async throws {
        var compressed = try await gzip([])
        #expect(try compressed.decompress(with: .gzip).readableBytes == 0)
    }

    @Test func identityPassesThrough() async throws {
        var identity = IdentityCompressor()
        var input = ByteBuffer(string: "abc")
        var out = ByteBuffer()
        try await identity.compress(&input, into: &out)
        try await identity.finish(into: &out)
        #expect(String(buffer: out) == "abc")
    }
}

/// RFC 1952 §8 CRC-32 against known values, including the standard check value of "123456789".
struct CRC32Tests {
    func crc(_ bytes: [UInt8], splitAt split: Int? = nil) -> UInt32 {
        var crc = CRC32()
        bytes.withUnsafeBytes { raw in
            let cut = split ?? raw.count
            crc.update(UnsafeRawBufferPointer(rebasing: raw[..<cut]))
            crc.update(UnsafeRawBufferPointer(rebasing: raw[cut...]))
        }
        return crc.value
    }

    @Test func matchesKnownValues() {
        #expect(crc([]) == 0)
        #expect(crc(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(crc(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(crc([UInt8](repeating: 0, count: 32)) == 0x190A_55AD)
    }

    /// Slicing-by-8 and the byte-at-a-time tail agree wherever the input is cut.
    @Test(arguments: [0, 1, 3, 8, 9, 20, 43])
    func isTheSameHoweverTheInputIsSplit(at split: Int) {
        let text = Array("The quick brown fox jumps over the lazy dog".utf8)
        #expect(crc(text, splitAt: split) == 0x414F_A339)
    }
}
