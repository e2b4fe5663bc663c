import ExporterCompressor
import Foundation
import NIOCore
import TestSupport
import Testing

/// Multithreaded zstd: every frame decoded by the `zstd` command line tool (an independent
/// decoder, not our own libzstd calls), the frame's exact magic, an empty file as a valid frame,
/// and the same bytes for the same input however it arrives and however many workers compress it.
struct ZstdCompressorTests {
    /// Compresses `chunks` as one file.
    func zstd(_ chunks: [ByteBuffer], level: Int32 = 3, workers: Int = 2) async throws -> ByteBuffer {
        var compressor = try ZstdCompressor(level: level, workers: workers)
        var out = ByteBuffer()
        for var chunk in chunks {
            try await compressor.compress(&chunk, into: &out)
            #expect(chunk.readableBytes == 0, "the input is consumed")
        }
        try await compressor.finish(into: &out)
        return out
    }

    func zstd(_ chunks: [String], level: Int32 = 3, workers: Int = 2) async throws -> ByteBuffer {
        try await zstd(chunks.map { ByteBuffer(string: $0) }, level: level, workers: workers)
    }

    /// About `megabytes` MiB of CSV-like text, compressible but not trivially: several of
    /// libzstd's jobs at level 3 (8 MiB each), so the workers really split it.
    static func sample(megabytes: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(megabytes << 20)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var row = 0
        while buffer.readableBytes < megabytes << 20 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            buffer.writeString("evt_\(row),tenant_\(state >> 60),cust_\(state >> 50 & 0xFFF),\(state >> 20 & 0xFFFFF),"
                + "2026-11-20T\(row % 24):\(row % 60):00Z,{\"path\":\"/v1/\(state >> 40 & 0xFF)\"}\n")
            row += 1
        }
        return buffer
    }

    @Test func roundTripsThroughTheZstdTool() async throws {
        let chunks = (0..<5_000).map { "row \($0),some text,\($0 * 7)\r\n" }
        let compressed = try await zstd(chunks)
        #expect(try ZstdTool.decompress(compressed) == Array(chunks.joined().utf8))
    }

    /// Megabytes across several jobs and a level from each end: still one frame the tool reads,
    /// with its checksum verified (`zstd -d` checks it).
    @Test(arguments: [Int32(1), 3, 19])
    func roundTripsSeveralJobs(level: Int32) async throws {
        let megabytes = level == 19 ? 3 : 20
        let plain = Self.sample(megabytes: megabytes)
        let chunks = stride(from: 0, to: plain.readableBytes, by: 300_000).map {
            plain.getSlice(at: $0, length: min(300_000, plain.readableBytes - $0)) ?? ByteBuffer()
        }
        let compressed = try await zstd(chunks, level: level)
        #expect(compressed.readableBytes < plain.readableBytes / 2, "\(compressed.readableBytes) of \(plain.readableBytes)")
        #expect(try ZstdTool.decompress(compressed) == Array(plain.readableBytesView))
    }

    /// RFC 8878 §3.1.1: a frame starts with the magic number 0xFD2FB528, little-endian.
    @Test func startsWithTheFrameMagic() async throws {
        let compressed = try await zstd(["hello, world"])
        #expect(Array(compressed.readableBytesView.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        let oneShot = try ZstdCompressor.compress(Array("hello, world".utf8))
        #expect(Array(oneShot.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
    }

    @Test func anEmptyFileIsAValidFrame() async throws {
        let compressed = try await zstd([String]())
        #expect(Array(compressed.readableBytesView.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        #expect(try ZstdTool.decompress(compressed).isEmpty)
        // An empty buffer handed in on the way changes nothing.
        #expect(try await zstd(["", "", ""]) == compressed)
    }

    /// The same file at the same level gives the same bytes, whether it arrives whole or in
    /// odd pieces, and whatever the number of worker threads: re-running a window on another
    /// machine rewrites identical objects.
    @Test func isDeterministicAcrossChunkingAndWorkerCounts() async throws {
        let plain = Self.sample(megabytes: 20)
        let whole = try await zstd([plain], workers: 2)
        var pieces: [ByteBuffer] = []
        var offset = 0
        var size = 1
        while offset < plain.readableBytes {
            let length = min(size, plain.readableBytes - offset)
            pieces.append(plain.getSlice(at: offset, length: length) ?? ByteBuffer())
            offset += length
            size = size * 7 % 1_000_003 + 1
        }
        #expect(try await zstd(pieces, workers: 2) == whole, "chunking changed the bytes")
        #expect(try await zstd([plain], workers: 1) == whole, "1 worker instead of 2 changed the bytes")
        #expect(try await zstd([plain], workers: 4) == whole, "4 workers instead of 2 changed the bytes")
        #expect(try await zstd([plain], workers: 2) == whole, "a second run changed the bytes")
        #expect(try await zstd([plain], level: 4, workers: 2) != whole, "the level is applied")
        // libzstd's multithreaded mode cuts 1 MiB jobs and so writes other bytes than its
        // single-threaded mode: the workers really ran (a refused nbWorkers would fall back).
        #expect(try await zstd([plain], workers: 0) != whole, "2 workers ran libzstd's multithreaded mode")
    }

    @Test func aFileAfterAFileStartsAFreshFrame() async throws {
        var compressor = try ZstdCompressor(workers: 2)
        let files = try await compressEachAsAFile(&compressor, [String(repeating: "first file ", count: 50), "second"])
        #expect(try ZstdTool.decompress(files[0]) == Array(String(repeating: "first file ", count: 50).utf8))
        #expect(try ZstdTool.decompress(files[1]) == Array("second".utf8))
        // The second frame is exactly what a fresh compressor makes of the same file.
        #expect(files[1] == (try await zstd(["second"])))
    }

    @Test func singleThreadedStillRoundTrips() async throws {
        let plain = Self.sample(megabytes: 2)
        let compressed = try await zstd([plain], workers: 0)
        #expect(try ZstdTool.decompress(compressed) == Array(plain.readableBytesView))
    }

    /// The one-shot form, for Parquet pages: one frame, decoded by the tool.
    @Test func oneShotRoundTrips() throws {
        let page = Array(Self.sample(megabytes: 1).readableBytesView)
        let compressed = try ZstdCompressor.compress(page, level: 3)
        #expect(compressed.count < page.count / 2)
        #expect(try ZstdTool.decompress(ByteBuffer(bytes: compressed)) == page)
        #expect(try ZstdCompressor.compress(page, level: 3) == compressed)
        #expect(try ZstdTool.decompress(ByteBuffer(bytes: try ZstdCompressor.compress([]))).isEmpty)
    }

    @Test func theLevelIsCheckedWhenTheCompressorIsMade() {
        #expect(throws: ZstdError.invalidLevel(0)) { try ZstdCompressor(level: 0) }
        #expect(throws: ZstdError.invalidLevel(20)) { try ZstdCompressor(level: 20) }
        #expect(throws: ZstdError.invalidLevel(-5)) { try ZstdCompressor.compress([1, 2, 3], level: -5) }
        #expect(throws: Never.self) { try ZstdCompressor(level: 19) }
        #expect(ZstdError.invalidLevel(20).description == "zstd level 20 is not between 1 (fastest) and 19 (smallest)")
    }
}
