import ExporterCore
import NIOCore
import ExporterDatabase

/// Turns PostgreSQL's binary wire values into the contract's types (DESIGN §2), without a
/// `String` per cell: text is passed through as a slice, numerics are rendered from their
/// base-10000 digits into a reused scratch buffer, timestamps become microseconds.
///
/// Binary formats: https://github.com/postgres/postgres/blob/master/src/backend/utils/adt/
/// (`numeric_send`, `timestamptz_send`, `jsonb_send`, `uuid_send`, `date_send`).
public struct PostgresFieldDecoder {
    /// Why a cell could not be read. Names the column and type, never the value.
    public struct UnsupportedValue: Error, CustomStringConvertible {
        public let column: String
        public let problem: String
        public var description: String { "column \(column) \(problem)" }
    }

    private var scratch = ByteBuffer()

    public init() {
        scratch.reserveCapacity(64)
    }

    /// The cell as a ``FieldValue``. The returned value may share storage with the decoder's
    /// scratch buffer: use it before decoding the next cell.
    public mutating func decode(_ cell: PostgresCell) throws -> FieldValue {
        guard var bytes = cell.bytes else { return .null }
        if cell.format == .text { return .text(bytes) }
        switch cell.dataType {
        case .text, .varchar, .bpchar, .name, .json:
            return .text(bytes).asJSON(cell.dataType == .json)
        case .jsonb:
            // jsonb_send: a version byte (1), then the JSON text.
            guard bytes.readInteger(as: UInt8.self) == 1 else {
                throw UnsupportedValue(column: cell.columnName, problem: "has an unknown jsonb version")
            }
            return .json(bytes)
        case .bool:
            guard let b = bytes.readInteger(as: UInt8.self) else { throw malformed(cell) }
            return .bool(b != 0)
        case .int2:
            guard let n = bytes.readInteger(as: Int16.self) else { throw malformed(cell) }
            return .integer(Int64(n))
        case .int4:
            guard let n = bytes.readInteger(as: Int32.self) else { throw malformed(cell) }
            return .integer(Int64(n))
        case .int8:
            guard let n = bytes.readInteger(as: Int64.self) else { throw malformed(cell) }
            return .integer(n)
        case .float4:
            guard let n = bytes.readInteger(as: UInt32.self) else { throw malformed(cell) }
            return decimalText(String(Float(bitPattern: n)))
        case .float8:
            guard let n = bytes.readInteger(as: UInt64.self) else { throw malformed(cell) }
            return decimalText(String(Double(bitPattern: n)))
        case .numeric:
            var valid = true
            render { out in
                var digits = bytes
                valid = Self.writeNumeric(&digits, into: &out)
            }
            guard valid else { throw malformed(cell) }
            return .decimal(scratch)
        case .timestamptz, .timestamp:
            guard let micros = bytes.readInteger(as: Int64.self) else { throw malformed(cell) }
            if micros == .max { return .text(ByteBuffer(string: "infinity")) }
            if micros == .min { return .text(ByteBuffer(string: "-infinity")) }
            return .timestamp(micros: micros + Timestamp.postgresEpochOffsetMicros)
        case .date:
            guard let days = bytes.readInteger(as: Int32.self) else { throw malformed(cell) }
            let date = CivilDate(daysSinceEpoch: Int64(days) + 10_957)
            render { out in out.write(string: date.isoDate) }
            return .text(scratch)
        case .uuid:
            guard bytes.readableBytes == 16 else { throw malformed(cell) }
            render { out in
                bytes.withUnsafeReadableBytes { raw in
                    for (i, byte) in raw.enumerated() {
                        if i == 4 || i == 6 || i == 8 || i == 10 { out.write(UInt8(ascii: "-")) }
                        out.writeHex(byte)
                    }
                }
            }
            return .text(scratch)
        default:
            throw UnsupportedValue(column: cell.columnName, problem: "has type \(cell.dataType), which the exporter cannot read")
        }
    }

    private func malformed(_ cell: PostgresCell) -> UnsupportedValue {
        UnsupportedValue(column: cell.columnName, problem: "has a malformed \(cell.dataType) value")
    }

    private mutating func decimalText(_ text: String) -> FieldValue {
        render { out in out.write(string: text) }
        return .decimal(scratch)
    }

    /// Replaces the scratch buffer's contents with what `body` writes.
    private mutating func render(_ body: (inout RawByteWriter) -> Void) {
        scratch.clear()
        scratch.writeWithRawByteWriter(body)
    }

    /// `numeric_send` layout: ndigits, weight, sign, dscale (int16 each), then ndigits base-10000
    /// digits. Rendered like PostgreSQL's `get_str_from_var`: exactly `dscale` fraction digits.
    static func writeNumeric(_ bytes: inout ByteBuffer, into out: inout RawByteWriter) -> Bool {
        guard let ndigits = bytes.readInteger(as: Int16.self),
              let weight = bytes.readInteger(as: Int16.self),
              let sign = bytes.readInteger(as: UInt16.self),
              let dscale = bytes.readInteger(as: Int16.self),
              ndigits >= 0, dscale >= 0 else { return false }
        switch sign {
        case 0xC000: out.write("NaN"); return true
        case 0xD000: out.write("Infinity"); return true
        case 0xF000: out.write("-Infinity"); return true
        case 0x0000, 0x4000: break
        default: return false
        }
        // The digits are read in place (no array per value); all are checked before any is written.
        let first = bytes.readerIndex
        let count = Int(ndigits)
        guard bytes.readableBytes >= count * 2 else { return false }
        for i in 0..<count {
            guard let d = bytes.getInteger(at: first + i * 2, as: Int16.self), (0..<10_000).contains(d) else { return false }
        }
        defer { bytes.moveReaderIndex(forwardBy: count * 2) }
        if sign == 0x4000 { out.write(UInt8(ascii: "-")) }
        func digit(_ index: Int) -> Int {
            guard index >= 0, index < count else { return 0 }
            return Int(bytes.getInteger(at: first + index * 2, as: Int16.self) ?? 0)
        }
        if weight < 0 {
            out.write(UInt8(ascii: "0"))
        } else {
            for group in 0...Int(weight) {
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
            for i in 0..<Int(dscale) {
                let d = digit(Int(weight) + 1 + i / 4)
                let place = switch i % 4 { case 0: 1000; case 1: 100; case 2: 10; default: 1 }
                out.write(UInt8(48 + d / place % 10))
            }
        }
        return true
    }
}

extension FieldValue {
    fileprivate func asJSON(_ isJSON: Bool) -> FieldValue {
        guard isJSON, case .text(let bytes) = self else { return self }
        return .json(bytes)
    }
}

