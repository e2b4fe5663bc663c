import ExporterCore
import NIOCore

/// One non-NULL RowBinary value read as a ``FieldValue`` (see ``ClickHouseFieldDecoder`` for the
/// rules). A value rendered as text (a decimal, a date, repaired UTF-8) is written into the
/// decoder's scratch buffer and points into it; nothing allocates per value.
enum ClickHouseValue {
    @inline(__always)
    static func decode(_ bytes: UnsafeRawBufferPointer, kind: ClickHouseColumnType.Kind, json: Bool,
                       scratch: inout ByteBuffer, _ body: (FieldValue) throws -> Void) throws {
        switch kind {
        case .string, .fixedString:
            if UTF8Text.isValid(bytes) {
                try body(json && JSONSyntax.isValid(bytes) ? .json(bytes) : .text(bytes))
            } else {
                // Not UTF-8, so not JSON either: text with U+FFFD for each bad sequence.
                try rendered(as: FieldValue.text, into: &scratch, body) { UTF8Text.writeRepaired(bytes, into: &$0) }
            }
        case .integer(let size, let signed):
            switch (size, signed) {
            case (1, true): try body(.integer(Int64(bytes.loadUnaligned(as: Int8.self))))
            case (2, true): try body(.integer(Int64(Int16(littleEndian: bytes.loadUnaligned(as: Int16.self)))))
            case (4, true): try body(.integer(Int64(Int32(littleEndian: bytes.loadUnaligned(as: Int32.self)))))
            case (8, true): try body(.integer(Int64(littleEndian: bytes.loadUnaligned(as: Int64.self))))
            case (1, false): try body(.integer(Int64(bytes[0])))
            case (2, false): try body(.integer(Int64(UInt16(littleEndian: bytes.loadUnaligned(as: UInt16.self)))))
            case (4, false): try body(.integer(Int64(UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self)))))
            default:
                let value = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
                if value <= UInt64(Int64.max) {
                    try body(.integer(Int64(value)))
                } else {
                    try rendered(as: FieldValue.decimal, into: &scratch, body) { writeUnsigned(UInt128(value), into: &$0) }
                }
            }
        case .bool:
            try body(.bool(bytes[0] != 0))
        case .float32:
            let value = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self)))
            try rendered(as: FieldValue.text, into: &scratch, body) { $0.write(string: String(value)) }
        case .float64:
            let value = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self)))
            try rendered(as: FieldValue.text, into: &scratch, body) { $0.write(string: String(value)) }
        case .date:
            let days = Int64(UInt16(littleEndian: bytes.loadUnaligned(as: UInt16.self)))
            try rendered(as: FieldValue.text, into: &scratch, body) { writeDate(days: days, into: &$0) }
        case .date32:
            let days = Int64(Int32(littleEndian: bytes.loadUnaligned(as: Int32.self)))
            try rendered(as: FieldValue.text, into: &scratch, body) { writeDate(days: days, into: &$0) }
        case .dateTime:
            let seconds = Int64(UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self)))
            try body(.timestamp(micros: seconds * 1_000_000))
        case .dateTime64(let precision):
            let ticks = Int64(littleEndian: bytes.loadUnaligned(as: Int64.self))
            if precision <= 6 {
                let (micros, overflow) = ticks.multipliedReportingOverflow(by: powersOfTen[6 - precision])
                guard !overflow else {
                    throw ExportError.database("a DateTime64(\(precision)) value is outside the range of a timestamp")
                }
                try body(.timestamp(micros: micros))
            } else {
                try rendered(as: FieldValue.text, into: &scratch, body) { writeDateTime64(ticks: ticks, precision: precision, into: &$0) }
            }
        case .decimal(let precision, let scale):
            let unscaled: Int128
            switch ClickHouseColumnType.decimalBytes(precision: precision) {
            case 4: unscaled = Int128(Int32(littleEndian: bytes.loadUnaligned(as: Int32.self)))
            case 8: unscaled = Int128(Int64(littleEndian: bytes.loadUnaligned(as: Int64.self)))
            default:
                let low = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
                let high = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int64.self))
                unscaled = Int128(high) << 64 | Int128(low)
            }
            try rendered(as: FieldValue.decimal, into: &scratch, body) { writeDecimal(unscaled, scale: scale, into: &$0) }
        case .uuid:
            try rendered(as: FieldValue.text, into: &scratch, body) { writeUUID(bytes, into: &$0) }
        }
    }

    static let powersOfTen: [Int64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000]

    @inline(__always)
    private static func rendered(as kind: (UnsafeRawBufferPointer) -> FieldValue, into scratch: inout ByteBuffer,
                                 _ body: (FieldValue) throws -> Void, _ write: (inout RawByteWriter) -> Void) throws {
        scratch.clear()
        scratch.writeWithRawByteWriter(write)
        try scratch.withUnsafeReadableBytes { try body(kind($0)) }
    }

    /// An unscaled decimal as exact text with `scale` fraction digits (`-1.50000000`, `0.000000000000001`).
    static func writeDecimal(_ unscaled: Int128, scale: Int, into out: inout RawByteWriter) {
        if unscaled < 0 { out.write(UInt8(ascii: "-")) }
        let magnitude = unscaled.magnitude
        guard scale > 0 else {
            writeUnsigned(magnitude, into: &out)
            return
        }
        var divisor: UInt128 = 1
        for _ in 0..<scale { divisor *= 10 }
        writeUnsigned(magnitude / divisor, into: &out)
        out.write(UInt8(ascii: "."))
        writeUnsigned(magnitude % divisor, minimumDigits: scale, into: &out)
    }

    /// Decimal digits of `value`, zero-padded to `minimumDigits`, written straight into the
    /// output (least significant first, then reversed in place): no allocation. A value past
    /// UInt64 is cut into 18-digit pieces, so it costs a few 128-bit divisions, not one per digit.
    static func writeUnsigned(_ value: UInt128, minimumDigits: Int = 1, into out: inout RawByteWriter) {
        out.write(maxBytes: max(minimumDigits, 40)) { memory in
            var n = 0
            if let small = UInt64(exactly: value) {
                var v = small
                repeat {
                    memory[n] = UInt8(48 + v % 10)
                    v /= 10
                    n += 1
                } while v > 0
            } else {
                let piece: UInt128 = 1_000_000_000_000_000_000
                var rest = value
                while rest > 0 {
                    var part = UInt64(rest % piece)
                    rest /= piece
                    var count = 0
                    repeat {
                        memory[n] = UInt8(48 + part % 10)
                        part /= 10
                        n += 1
                        count += 1
                    } while rest > 0 ? count < 18 : part > 0
                }
            }
            while n < minimumDigits {
                memory[n] = 48
                n += 1
            }
            var (i, j) = (0, n - 1)
            while i < j {
                memory.swapAt(i, j)
                i += 1
                j -= 1
            }
            return n
        }
    }

    /// `yyyy-MM-dd` of days since 1970-01-01.
    static func writeDate(days: Int64, into out: inout RawByteWriter) {
        let date = CivilDate(daysSinceEpoch: days)
        out.writeZeroPadded(date.year, width: 4)
        out.write(UInt8(ascii: "-"))
        out.writeZeroPadded(date.month, width: 2)
        out.write(UInt8(ascii: "-"))
        out.writeZeroPadded(date.day, width: 2)
    }

    /// RFC 3339 UTC with all `precision` fraction digits (`2026-11-20T10:00:00.123456789Z`).
    static func writeDateTime64(ticks: Int64, precision: Int, into out: inout RawByteWriter) {
        let scale = powersOfTen[precision]
        var seconds = ticks / scale
        var fraction = ticks % scale
        if fraction < 0 {
            seconds -= 1
            fraction += scale
        }
        var days = seconds / 86_400
        var inDay = seconds % 86_400
        if inDay < 0 {
            days -= 1
            inDay += 86_400
        }
        writeDate(days: days, into: &out)
        out.write(UInt8(ascii: "T"))
        out.writeZeroPadded(inDay / 3_600, width: 2)
        out.write(UInt8(ascii: ":"))
        out.writeZeroPadded(inDay / 60 % 60, width: 2)
        out.write(UInt8(ascii: ":"))
        out.writeZeroPadded(inDay % 60, width: 2)
        out.write(UInt8(ascii: "."))
        out.writeZeroPadded(fraction, width: precision)
        out.write(UInt8(ascii: "Z"))
    }

    /// A UUID as RowBinary sends it (two little-endian UInt64 halves, the high half first) in its
    /// usual lowercase hyphenated text.
    static func writeUUID(_ bytes: UnsafeRawBufferPointer, into out: inout RawByteWriter) {
        var index = 0
        for half in 0..<2 {
            for i in (0..<8).reversed() {
                if index == 4 || index == 6 || index == 8 || index == 10 { out.write(UInt8(ascii: "-")) }
                out.writeHex(bytes[half * 8 + i])
                index += 1
            }
        }
    }
}
