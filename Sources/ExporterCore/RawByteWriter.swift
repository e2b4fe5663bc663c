import NIOCore

/// Appends bytes to memory reserved at the end of a `ByteBuffer`, for the per-cell hot path of
/// an export.
///
/// Why not `ByteBuffer.write*`: each call checks capacity and, in a release build, runs Swift's
/// dynamic exclusivity check on the buffer's storage object. Per cell of a million-row export
/// those checks were about a sixth of the exporter's CPU (issue 6 profile, `perf record`). An
/// encoder writes a whole row through one writer, so the buffer is touched once per row.
///
/// When the reserved space runs out, the writer stops writing and `overflowed` becomes true;
/// ``NIOCore/ByteBuffer/writeWithRawByteWriter(reserving:_:)`` then reports that nothing was
/// written, and the caller writes the row again with more space.
public struct RawByteWriter {
    @usableFromInline let base: UnsafeMutableRawPointer?
    @usableFromInline let capacity: Int
    /// Bytes written; beyond `capacity` once a write did not fit.
    @usableFromInline var count = 0

    @inlinable
    public init(_ memory: UnsafeMutableRawBufferPointer) {
        base = memory.baseAddress
        capacity = memory.count
    }

    /// Bytes written so far.
    @inlinable public var bytesWritten: Int { Swift.min(count, capacity) }

    /// A write did not fit: what was written is incomplete and must be discarded.
    @inlinable public var overflowed: Bool { count > capacity }

    @inlinable
    public mutating func write(_ byte: UInt8) {
        guard count < capacity, let base else {
            count = capacity + 1
            return
        }
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inlinable
    public mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        guard count + bytes.count <= capacity, let base, let source = bytes.baseAddress else {
            count = capacity + 1
            return
        }
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// The readable bytes of `buffer`.
    @inlinable
    public mutating func write(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { write($0) }
    }

    @inlinable
    public mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { write(UnsafeRawBufferPointer($0)) }
    }

    /// The UTF-8 bytes of `text` (rare cells only: a date, a float; the hot path writes bytes).
    @inlinable
    public mutating func write(string text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Two lowercase hexadecimal digits (a UUID's bytes, JSON's `\u00XX`).
    @inlinable
    public mutating func writeHex(_ byte: UInt8) {
        @inline(__always) func digit(_ nibble: UInt8) -> UInt8 {
            nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
        }
        write(digit(byte >> 4))
        write(digit(byte & 0xF))
    }

    /// A non-negative number in decimal with at least `width` digits (leading zeros), more when
    /// it needs them (a negative one is written as 0): the fields of dates and times both sources
    /// render as text.
    @inlinable
    public mutating func writeZeroPadded(_ value: Int64, width: Int) {
        let magnitude = value < 0 ? 0 : value
        var divisor: Int64 = 1
        var digits = 1
        while digits < width || magnitude / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        while divisor > 0 {
            write(UInt8(48 + magnitude / divisor % 10))
            divisor /= 10
        }
    }

    /// Gives `body` up to `maxBytes` of space to fill; `body` returns how many bytes it wrote.
    @inlinable
    public mutating func write(maxBytes: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) {
        guard count + maxBytes <= capacity, let base else {
            count = capacity + 1
            return
        }
        count += body(UnsafeMutableRawBufferPointer(start: base + count, count: maxBytes))
    }
}

extension ByteBuffer {
    /// Runs `body` with a writer over at least `reserving` free bytes at the end of the buffer
    /// and keeps what it wrote. Returns false, keeping nothing, when `body` needed more space:
    /// the caller undoes its own state and calls again with a larger reservation.
    @inlinable
    public mutating func writeWithRawByteWriter(
        reserving: Int, _ body: (inout RawByteWriter) throws -> Void
    ) rethrows -> Bool {
        var fitted = true
        try writeWithUnsafeMutableBytes(minimumWritableBytes: reserving) { memory in
            var writer = RawByteWriter(memory)
            try body(&writer)
            fitted = !writer.overflowed
            return fitted ? writer.bytesWritten : 0
        }
        return fitted
    }

    /// Writes through `body`, reserving more space until it fits. For output whose producer has
    /// no state to undo (a file header, a test); the row path undoes its encoder's state itself.
    @inlinable
    public mutating func writeWithRawByteWriter(_ body: (inout RawByteWriter) throws -> Void) rethrows {
        var reserve = 4096
        while try !writeWithRawByteWriter(reserving: reserve, body) {
            reserve *= 4
        }
    }
}
