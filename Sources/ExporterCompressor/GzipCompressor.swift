import CompressNIO
import NIOCore

/// Streaming gzip (RFC 1952) through zlib, via CompressNIO.
///
/// zlib writes a fixed header (no file name, modification time 0), so the same input always
/// gives the same bytes: re-running a window rewrites identical objects.
public final class GzipCompressor: Compressor {
    private let zlib: ZlibCompressor

    /// - Parameter level: 1 (fastest) to 9 (smallest); 6 is zlib's and gzip's default.
    public init(level: Int32 = 6) throws {
        zlib = try ZlibCompressor(algorithm: .gzip, configuration: ZlibConfiguration(compressionLevel: level))
    }

    public func compress(_ input: inout ByteBuffer, into output: inout ByteBuffer) throws {
        while input.readableBytes > 0 {
            output.reserveCapacity(minimumWritableBytes: max(16 * 1024, input.readableBytes / 4))
            do {
                try zlib.deflate(from: &input, to: &output, flush: .no)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                continue
            }
        }
    }

    public func finish(into output: inout ByteBuffer) throws {
        var empty = ByteBuffer()
        empty.reserveCapacity(16)
        while true {
            output.reserveCapacity(minimumWritableBytes: 64 * 1024)
            do {
                try zlib.deflate(from: &empty, to: &output, flush: .finish)
                break
            } catch let error as CompressNIOError where error == .bufferOverflow {
                continue
            }
        }
        try zlib.reset()
    }
}
