/// A finished stretch of the file, in order: the caller appends it to the upload and drops it.
///
/// Held as several buffers (the magic, then each column chunk's dictionary page and data pages)
/// so a closed row group is handed out without being copied into one buffer first.
public struct ParquetSegment: Sendable {
    public var parts: [[UInt8]]

    public init(parts: [[UInt8]] = []) {
        self.parts = parts
    }

    public var byteCount: Int { parts.reduce(0) { $0 + $1.count } }

    /// The segment as one buffer (tests, small files).
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(byteCount)
        for part in parts { out.append(contentsOf: part) }
        return out
    }
}
