import ParquetWriter

/// A GZIP page codec for tests that needs no zlib: each page becomes one RFC 1952 member whose
/// DEFLATE stream is made of stored (uncompressed) blocks. Real readers must then take the
/// GZIP path (decompress, check CRC-32 and size), which proves the ``PageCodec`` seam: page
/// sizes, chunk totals and the codec id the engine's zlib codec will rely on.
struct StoredGzipPageCodec: PageCodec {
    var codec: CompressionCodec { .gzip }

    func compress(_ page: [UInt8]) -> [UInt8] {
        // Header: magic, CM=8 (deflate), no flags, mtime 0, XFL 0, OS 255 (unknown).
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        var offset = 0
        repeat {
            let length = min(65_535, page.count - offset)
            let final: UInt8 = offset + length == page.count ? 1 : 0
            // Stored block: BFINAL + BTYPE 00, then LEN and NLEN little endian.
            out.append(final)
            out.append(UInt8(length & 0xFF))
            out.append(UInt8(length >> 8))
            out.append(UInt8(~length & 0xFF))
            out.append(UInt8((~length >> 8) & 0xFF))
            out.append(contentsOf: page[offset..<(offset + length)])
            offset += length
        } while offset < page.count
        for value in [Self.crc32(page), UInt32(truncatingIfNeeded: page.count)] {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        return out
    }

    /// CRC-32 (IEEE, reflected, as gzip uses it).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
