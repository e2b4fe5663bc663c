import CompressNIO
import NIOCore

/// One buffer as one complete gzip member (RFC 1952), compressed at once on the calling thread
/// by zlib with windowBits 31: what a Parquet GZIP page holds, as Arrow and parquet-mr write it.
///
/// Deterministic: zlib's own header with no name and modification time 0, so the same page
/// always compresses to the same bytes.
public enum GzipMember {
    public static func compress(_ bytes: [UInt8], level: Int32) throws -> [UInt8] {
        guard (1...9).contains(level) else { throw CompressorError.invalidLevel(level) }
        let zlib = try ZlibCompressor(algorithm: .gzip, configuration: ZlibConfiguration(compressionLevel: level))
        var input = ByteBuffer(bytes: bytes)
        var output = ByteBuffer()
        output.reserveCapacity(zlib.maxSize(from: input))
        while true {
            do {
                try zlib.deflate(from: &input, to: &output, flush: .finish)
                return Array(output.readableBytesView)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // Z_OK or Z_BUF_ERROR under Z_FINISH: more output space, and go on.
                output.reserveCapacity(minimumWritableBytes: 64 * 1024)
            }
        }
    }
}
