import CompressNIO
import ExporterCompressor
import NIOCore
import Testing

/// Streaming gzip: round trips, many small writes, and byte-identical output for identical input.
struct GzipCompressorTests {
    func gzip(_ chunks: [String]) throws -> ByteBuffer {
        let compressor = try GzipCompressor()
        var out = ByteBuffer()
        for chunk in chunks {
            var input = ByteBuffer(string: chunk)
            try compressor.compress(&input, into: &out)
            #expect(input.readableBytes == 0)
        }
        try compressor.finish(into: &out)
        return out
    }

    @Test func roundTripsManyChunks() throws {
        let chunks = (0..<5_000).map { "row \($0),some text,\($0 * 7)\r\n" }
        var compressed = try gzip(chunks)
        let plain = try compressed.decompress(with: .gzip)
        #expect(String(buffer: plain) == chunks.joined())
    }

    @Test func isDeterministicWithAFixedHeader() throws {
        let a = try gzip(["hello, ", "world"])
        let b = try gzip(["hello, world"])
        #expect(a == b)
        // RFC 1952 header: magic 1f 8b, deflate (8), no flags, mtime 0.
        #expect(Array(a.readableBytesView.prefix(8)) == [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0])
    }

    @Test func anEmptyStreamIsAValidGzipFile() throws {
        var compressed = try gzip([])
        #expect(try compressed.decompress(with: .gzip).readableBytes == 0)
    }

    @Test func identityPassesThrough() throws {
        var identity = IdentityCompressor()
        var input = ByteBuffer(string: "abc")
        var out = ByteBuffer()
        try identity.compress(&input, into: &out)
        try identity.finish(into: &out)
        #expect(String(buffer: out) == "abc")
    }
}
