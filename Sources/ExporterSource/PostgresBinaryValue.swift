import ExporterCore
import NIOCore

/// One PostgreSQL value in its binary send format, as the contract's ``FieldValue`` (DESIGN §2).
///
/// The one place the binary formats are read, so the decoder of binary COPY tuples
/// (``BinaryFieldDecoder``) renders every value the way PostgreSQL prints it.
/// Nothing here allocates per value: text is passed through as a
/// slice of the caller's bytes, numerics, dates and UUIDs are rendered into the caller's reused
/// scratch buffer.
///
/// Binary formats: https://github.com/postgres/postgres/tree/REL_15_STABLE/src/backend/utils/adt
/// (`numeric_send`, `timestamptz_send`, `jsonb_send`, `uuid_send`, `date_send`).
enum PostgresBinaryValue {
    /// Why a value could not be read. The caller adds the column's name; the value itself is never
    /// part of a message.
    enum Problem: Error, Sendable, Equatable {
        /// The bytes are not a value of the type: a wrong length, a bad numeric sign or digit.
        case malformed
        /// A jsonb value whose version byte is not 1, the only version PostgreSQL 15 sends.
        case unknownJSONBVersion(UInt8?)
        /// A timestamp after 294246-01-01 (PostgreSQL reaches 294276): microseconds since 1970 do
        /// not fit in 64 bits.
        case outOfRange

        /// `column amount has a malformed numeric value`.
        func message(column: String, type: PostgresWireType) -> String {
            "column \(column) \(predicate(type: type))"
        }

        /// The message after the column's name: `has a malformed numeric value`.
        func predicate(type: PostgresWireType) -> String {
            switch self {
            case .malformed:
                "has a malformed \(type.name) value"
            case .unknownJSONBVersion(let version):
                "has a jsonb value of version \(version.map { "\($0)" } ?? "(none)"), the exporter reads version 1"
            case .outOfRange:
                "has a \(type.name) value after the year 294246, which the exporter cannot write"
            }
        }
    }

    private static let infinity = ByteBuffer(string: "infinity")
    private static let minusInfinity = ByteBuffer(string: "-infinity")

    /// `bytes` (exactly one non-NULL value) read as `type`. A returned value may share storage with
    /// `scratch`: use it before the next call.
    @inline(__always)
    static func decode(_ bytes: ByteBuffer, as type: PostgresWireType, scratch: inout ByteBuffer) throws(Problem) -> FieldValue {
        switch type {
        case .text:
            return .text(bytes)
        case .json:
            return .json(bytes)
        case .jsonb:
            // jsonb_send: a version byte (1), then the JSON text.
            let version = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self)
            guard version == 1 else { throw .unknownJSONBVersion(version) }
            var json = bytes
            json.moveReaderIndex(forwardBy: 1)
            return .json(json)
        case .bool:
            let b = try fixed(bytes, as: UInt8.self)
            return .bool(b != 0)
        case .int2:
            return .integer(Int64(try fixed(bytes, as: Int16.self)))
        case .int4:
            return .integer(Int64(try fixed(bytes, as: Int32.self)))
        case .int8:
            return .integer(try fixed(bytes, as: Int64.self))
        case .float4:
            let value = Float(bitPattern: try fixed(bytes, as: UInt32.self))
            render(into: &scratch) { out in out.write(string: String(value)) }
            return .decimal(scratch)
        case .float8:
            let value = Double(bitPattern: try fixed(bytes, as: UInt64.self))
            render(into: &scratch) { out in out.write(string: String(value)) }
            return .decimal(scratch)
        case .numeric:
            var valid = true
            render(into: &scratch) { out in valid = writeNumeric(bytes, into: &out) }
            guard valid else { throw .malformed }
            return .decimal(scratch)
        case .timestamp, .timestamptz:
            let micros = try fixed(bytes, as: Int64.self)
            if micros == .max { return .text(infinity) }
            if micros == .min { return .text(minusInfinity) }
            let (unixMicros, overflow) = micros.addingReportingOverflow(Timestamp.postgresEpochOffsetMicros)
            guard !overflow else { throw .outOfRange }
            return .timestamp(micros: unixMicros)
        case .date:
            let days = try fixed(bytes, as: Int32.self)
            render(into: &scratch) { out in writeDate(days: days, into: &out) }
            return .text(scratch)
        case .uuid:
            guard bytes.readableBytes == 16 else { throw .malformed }
            render(into: &scratch) { out in writeUUID(bytes, into: &out) }
            return .text(scratch)
        }
    }

    /// A fixed-size value: exactly `size(of: T)` big-endian bytes, or the value is malformed (a
    /// column whose declared type does not match what the server sends).
    @inline(__always)
    private static func fixed<T: FixedWidthInteger>(_ bytes: ByteBuffer, as: T.Type) throws(Problem) -> T {
        guard bytes.readableBytes == MemoryLayout<T>.size,
              let value = bytes.getInteger(at: bytes.readerIndex, as: T.self) else { throw .malformed }
        return value
    }

    /// Replaces the scratch buffer's contents with what `body` writes (the buffer keeps its
    /// capacity: no allocation once it has grown).
    @inline(__always)
    private static func render(into scratch: inout ByteBuffer, _ body: (inout RawByteWriter) -> Void) {
        scratch.clear()
        scratch.writeWithRawByteWriter(body)
    }

    /// `numeric_send` layout: ndigits, weight, sign, dscale (int16 each), then ndigits base-10000
    /// digits. Rendered like PostgreSQL's `get_str_from_var` (its text output): exactly `dscale`
    /// fraction digits, `NaN`, `Infinity`, `-Infinity`. False, having written nothing, when the
    /// bytes are not a numeric.
    static func writeNumeric(_ bytes: ByteBuffer, into out: inout RawByteWriter) -> Bool {
        bytes.withUnsafeReadableBytes { raw in
            func int16(_ offset: Int) -> Int {
                Int(Int16(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
            }
            guard raw.count >= 8 else { return false }
            let ndigits = int16(0), weight = int16(2), dscale = int16(6)
            let sign = UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
            guard ndigits >= 0, dscale >= 0 else { return false }
            switch sign {
            case 0xC000: out.write("NaN"); return true
            case 0xD000: out.write("Infinity"); return true
            case 0xF000: out.write("-Infinity"); return true
            case 0x0000, 0x4000: break
            default: return false
            }
            // The digits are read in place (no array per value); all are checked before any is written.
            guard raw.count == 8 + ndigits * 2 else { return false }
            for i in 0..<ndigits where !(0..<10_000).contains(int16(8 + i * 2)) { return false }
            func digit(_ index: Int) -> Int {
                guard index >= 0, index < ndigits else { return 0 }
                return int16(8 + index * 2)
            }
            if sign == 0x4000 { out.write(UInt8(ascii: "-")) }
            if weight < 0 {
                out.write(UInt8(ascii: "0"))
            } else {
                for group in 0...weight {
                    let d = digit(group)
                    if group == 0 {
                        // The leading group has no leading zeros.
                        if d >= 1000 { out.write(UInt8(48 + d / 1000)) }
                        if d >= 100 { out.write(UInt8(48 + d / 100 % 10)) }
                        if d >= 10 { out.write(UInt8(48 + d / 10 % 10)) }
                        out.write(UInt8(48 + d % 10))
                    } else {
                        out.write(UInt8(48 + d / 1000))
                        out.write(UInt8(48 + d / 100 % 10))
                        out.write(UInt8(48 + d / 10 % 10))
                        out.write(UInt8(48 + d % 10))
                    }
                }
            }
            if dscale > 0 {
                out.write(UInt8(ascii: "."))
                for i in 0..<dscale {
                    let d = digit(weight + 1 + i / 4)
                    let place = switch i % 4 { case 0: 1000; case 1: 100; case 2: 10; default: 1 }
                    out.write(UInt8(48 + d / place % 10))
                }
            }
            return true
        }
    }

    /// `date_send`'s days since 2000-01-01 as PostgreSQL's text output (DateStyle ISO):
    /// `2025-10-11`, `10000-01-01`, `0044-03-15 BC`, `infinity`, `-infinity`.
    static func writeDate(days: Int32, into out: inout RawByteWriter) {
        if days == .max { out.write("infinity"); return }
        if days == .min { out.write("-infinity"); return }
        let date = CivilDate(daysSinceEpoch: Int64(days) + 10_957)
        // Year 0 of the proleptic calendar is 1 BC: PostgreSQL has no year 0.
        let isBC = date.year <= 0
        writeDigits(isBC ? 1 - date.year : date.year, width: 4, into: &out)
        out.write(UInt8(ascii: "-"))
        writeDigits(date.month, width: 2, into: &out)
        out.write(UInt8(ascii: "-"))
        writeDigits(date.day, width: 2, into: &out)
        if isBC { out.write(" BC") }
    }

    /// The 16 bytes of a UUID as lowercase hyphenated text (`uuid_out`).
    static func writeUUID(_ bytes: ByteBuffer, into out: inout RawByteWriter) {
        bytes.withUnsafeReadableBytes { raw in
            for (i, byte) in raw.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { out.write(UInt8(ascii: "-")) }
                out.writeHex(byte)
            }
        }
    }

    /// A non-negative number with at least `width` digits (leading zeros), more when it needs them.
    private static func writeDigits(_ value: Int64, width: Int, into out: inout RawByteWriter) {
        var divisor: Int64 = 1
        var digits = 1
        while digits < width || value / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        while divisor > 0 {
            out.write(UInt8(48 + value / divisor % 10))
            divisor /= 10
        }
    }
}
