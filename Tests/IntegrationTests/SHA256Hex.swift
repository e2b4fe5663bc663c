import Crypto
import NIOCore

/// Lowercase hex SHA-256, to check the digests the exporter records.
func sha256Hex(_ buffer: ByteBuffer) -> String {
    buffer.withUnsafeReadableBytes { SHA256.hash(data: $0) }.map { byte in
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }.joined()
}
