import ExporterCore
import NIOCore

/// One PostgreSQL value in its binary send format, as the contract's ``FieldValue`` (DESIGN §2).
///
/// The one place the binary formats are read, so the decoder of binary COPY tuples
/// (``BinaryFieldDecoder``) renders every value the way PostgreSQL prints it.
/// Nothing here allocates per value: text is passed through as a
/// pointer into the caller's bytes, numerics, dates and UUIDs are rendered into the caller's
/// reused scratch buffer.
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

    /// `bytes` (exactly one non-NULL value) read as `type`, handed to `body`. A value rendered as
    /// text (numeric, date, UUID) is written into `scratch` and points into it.
    /// - Throws: ``Problem`` for bytes that are not a value of `type`; what `body` throws.
    @inline(__always)
    static func decode(_ bytes: UnsafeRawBufferPointer, as type: PostgresWireType, scratch: inout ByteBuffer,
                       _ body: (FieldValue) throws -> Void) throws {
        switch type {
        case .text:
            try body(.text(bytes))
        case .json:
            try body(.json(bytes))
        case .jsonb:
            // jsonb_send: a version byte (1), then the JSON text.
            let version = bytes.first
            guard version == 1 else { throw Problem.unknownJSONBVersion(version) }
            try body(.json(UnsafeRawBufferPointer(rebasing: bytes.dropFirst())))
        case .bool:
            let b = try fixed(bytes, as: UInt8.self)
            try body(.bool(b != 0))
        case .int2:
            try body(.integer(Int64(try fixed(bytes, as: Int16.self))))
        case .int4:
            try body(.integer(Int64(try fixed(bytes, as: Int32.self))))
        case .int8:
            try body(.integer(try fixed(bytes, as: Int64.self)))
        case .float4:
            let value = Float(bitPattern: try fixed(bytes, as: UInt32.self))
            try rendered(as: FieldValue.decimal, into: &scratch, body) { out in out.write(string: String(value)) }
        case .float8:
            let value = Double(bitPattern: try fixed(bytes, as: UInt64.self))
            try rendered(as: FieldValue.decimal, into: &scratch, body) { out in out.write(string: String(value)) }
        case .numeric:
            var valid = true
            render(into: &scratch) { out in valid = writeNumeric(bytes, into: &out) }
            guard valid else { throw Problem.malformed }
            try scratch.withUnsafeReadableBytes { try body(.decimal($0)) }
        case .timestamp, .timestamptz:
            let micros = try fixed(bytes, as: Int64.self)
            if micros == .max || micros == .min {
                try rendered(as: FieldValue.text, into: &scratch, body) { $0.write(micros == .max ? "infinity" : "-infinity") }
                return
            }
            let (unixMicros, overflow) = micros.addingReportingOverflow(Timestamp.postgresEpochOffsetMicros)
            guard !overflow else { throw Problem.outOfRange }
            try body(.timestamp(micros: unixMicros))
        case .date:
            let days = try fixed(bytes, as: Int32.self)
            try rendered(as: FieldValue.text, into: &scratch, body) { out in writeDate(days: days, into: &out) }
        case .uuid:
            guard bytes.count == 16 else { throw Problem.malformed }
            try rendered(as: FieldValue.text, into: &scratch, body) { out in writeUUID(bytes, into: &out) }
        }
    }

    /// A fixed-size value: exactly `size(of: T)` big-endian bytes, or the value is malformed (a
    /// column whose declared type does not match what the server sends).
    @inline(__always)
    private static func fixed<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, as: T.Type) throws(Problem) -> T {
        guard bytes.count == MemoryLayout<T>.size else { throw .malformed }
        return T(bigEndian: bytes.loadUnaligned(as: T.self))
    }

    /// Renders a value as text into `scratch` and hands it to `body` as `kind` (text or decimal).
    @inline(__always)
    private static func rendered(as kind: (UnsafeRawBufferPointer) -> FieldValue, into scratch: inout ByteBuffer,
                                 _ body: (FieldValue) throws -> Void, _ write: (inout RawByteWriter) -> Void) throws {
        render(into: &scratch, write)
        try scratch.withUnsafeReadableBytes { try body(kind($0)) }
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
    static func writeNumeric(_ raw: UnsafeRawBufferPointer, into out: inout RawByteWriter) -> Bool {
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

    /// `date_send`'s days since 2000-01-01 as PostgreSQL's text output (DateStyle ISO):
    /// `2025-10-11`, `10000-01-01`, `0044-03-15 BC`, `infinity`, `-infinity`.
    static func writeDate(days: Int32, into out: inout RawByteWriter) {
        if days == .max { out.write("infinity"); return }
        if days == .min { out.write("-infinity"); return }
        let date = CivilDate(daysSinceEpoch: Int64(days) + 10_957)
        // Year 0 of the proleptic calendar is 1 BC: PostgreSQL has no year 0.
        let isBC = date.year <= 0
        out.writeZeroPadded(isBC ? 1 - date.year : date.year, width: 4)
        out.write(UInt8(ascii: "-"))
        out.writeZeroPadded(date.month, width: 2)
        out.write(UInt8(ascii: "-"))
        out.writeZeroPadded(date.day, width: 2)
        if isBC { out.write(" BC") }
    }

    /// The 16 bytes of a UUID as lowercase hyphenated text (`uuid_out`).
    static func writeUUID(_ raw: UnsafeRawBufferPointer, into out: inout RawByteWriter) {
        for (i, byte) in raw.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.write(UInt8(ascii: "-")) }
            out.writeHex(byte)
        }
    }
}
