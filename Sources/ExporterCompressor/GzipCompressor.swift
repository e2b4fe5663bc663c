import CompressNIO
import NIOCore

/// gzip (RFC 1952, https://www.rfc-editor.org/rfc/rfc1952) compressed on all cores, as pigz does.
///
/// Why parallel: at level 6, deflate is the slowest stage of an export (about 50 MB/s per
/// core), slower than reading and encoding the rows; one core would make the exporter slower
/// than `psql \copy | gzip`. The file's bytes are cut into fixed-size pieces; each piece is
/// compressed on its own by a raw deflate stream (RFC 1951) that ends in a sync flush (an empty
/// stored block, so the next piece starts on a byte boundary), and the last in a final block.
/// Concatenated, they are one valid deflate stream inside one gzip member, which every gzip
/// reader accepts. Each piece starts without the previous piece's history, which costs well
/// under 1% of size at 1 MiB pieces.
///
/// Deterministic: piece boundaries depend only on the file's bytes, never on how they arrived
/// or on timing, and the header is fixed (no name, modification time 0), so re-running a window
/// rewrites identical objects.
public struct GzipCompressor: Compressor {
    private let level: Int32
    private let pieceBytes: Int
    /// The start of the next piece: fewer than `pieceBytes` bytes.
    private var pending = ByteBuffer()
    private var checksum = CRC32()
    /// The uncompressed length modulo 2^32 (RFC 1952 ISIZE).
    private var length: UInt32 = 0
    private var headerWritten = false

    /// - Parameters:
    ///   - level: 1 (fastest) to 9 (smallest); 6 is zlib's and gzip's default.
    ///   - pieceBytes: uncompressed bytes per independently compressed piece.
    public init(level: Int32 = 6, pieceBytes: Int = 1 << 20) throws {
        // Checked here, not in mid-export (CompressNIO traps on a level out of range).
        guard (1...9).contains(level) else { throw CompressorError.invalidLevel(level) }
        self.level = level
        self.pieceBytes = max(pieceBytes, 1)
    }

    public mutating func compress(_ input: inout ByteBuffer, into output: inout ByteBuffer) async throws {
        var pieces: [ByteBuffer] = []
        if pending.readableBytes + input.readableBytes < pieceBytes {
            pending.writeBuffer(&input)
            return
        }
        if pending.readableBytes > 0, var head = input.readSlice(length: pieceBytes - pending.readableBytes) {
            pending.writeBuffer(&head)
            pieces.append(pending)
            pending = ByteBuffer()
        }
        while let piece = input.readSlice(length: pieceBytes) {
            pieces.append(piece)
        }
        pending.writeBuffer(&input)
        try await deflate(pieces, endingStream: false, into: &output)
    }

    public mutating func finish(into output: inout ByteBuffer) async throws {
        let last = pending
        pending = ByteBuffer()
        try await deflate([last], endingStream: true, into: &output)
        // RFC 1952 §2.3.1 member trailer: CRC32, ISIZE, both little-endian.
        output.writeInteger(checksum.value, endianness: .little)
        output.writeInteger(length, endianness: .little)
        checksum = CRC32()
        length = 0
        headerWritten = false
    }

    /// Compresses `pieces` concurrently and appends their output in order; the checksum is
    /// computed meanwhile in this task.
    private mutating func deflate(_ pieces: [ByteBuffer], endingStream: Bool, into output: inout ByteBuffer) async throws {
        if !headerWritten {
            writeHeader(into: &output)
            headerWritten = true
        }
        guard !pieces.isEmpty else { return }
        let level = level
        try await withThrowingTaskGroup(of: (Int, ByteBuffer).self) { group in
            for (index, piece) in pieces.enumerated() {
                let final = endingStream && index == pieces.count - 1
                group.addTask { (index, try Self.deflate(piece, level: level, final: final)) }
            }
            for piece in pieces {
                piece.withUnsafeReadableBytes { checksum.update($0) }
                length &+= UInt32(truncatingIfNeeded: piece.readableBytes)
            }
            var compressed = [ByteBuffer?](repeating: nil, count: pieces.count)
            for try await (index, bytes) in group {
                compressed[index] = bytes
            }
            for case var bytes? in compressed {
                output.writeBuffer(&bytes)
            }
        }
    }

    /// RFC 1952 §2.3 member header: ID1 ID2, CM = 8 (deflate), no flags, MTIME 0, XFL as zlib
    /// sets it for the level, OS = 3 (Unix): the bytes zlib's own gzip header would have.
    private func writeHeader(into output: inout ByteBuffer) {
        let extraFlags: UInt8 = level == 9 ? 2 : level == 1 ? 4 : 0
        output.writeBytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, extraFlags, 3])
    }

    /// One piece as raw deflate: ending in a sync flush, or in the final block.
    private static func deflate(_ piece: ByteBuffer, level: Int32, final: Bool) throws -> ByteBuffer {
        var input = piece
        let zlib = try ZlibCompressor(algorithm: .deflate, configuration: ZlibConfiguration(compressionLevel: level))
        var output = ByteBuffer()
        output.reserveCapacity(zlib.maxSize(from: input))
        let flush: CompressNIOFlush = final ? .finish : .sync
        while true {
            let written = output.writerIndex
            do {
                try zlib.deflate(from: &input, to: &output, flush: flush)
                // zlib's contract: the flush is complete once it returns with output space left
                // (Z_STREAM_END for the final block).
                if final || (input.readableBytes == 0 && output.writableBytes > 0) { return output }
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // Z_BUF_ERROR on a repeated sync flush with nothing pending: it was complete.
                if !final, input.readableBytes == 0, output.writerIndex == written { return output }
            }
            output.reserveCapacity(minimumWritableBytes: 64 * 1024)
        }
    }
}
