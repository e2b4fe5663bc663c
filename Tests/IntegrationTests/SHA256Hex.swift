import Crypto
import NIOCore
import SigV4

/// Lowercase hex SHA-256, to check the digests the exporter records.
func sha256Hex(_ buffer: ByteBuffer) -> String {
    buffer.withUnsafeReadableBytes { Hex.lowercase(SHA256.hash(data: $0)) }
}
