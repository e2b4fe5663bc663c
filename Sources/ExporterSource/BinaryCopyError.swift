import ExporterCore

/// Why a binary COPY stream could not be read (``BinaryCopyReader``).
///
/// Each case says what was wrong with the stream and where, never the data: a tuple's bytes are
/// rows of the export. Row numbers count from 1 in the order the server sent them.
public enum BinaryCopyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first bytes are not `PGCOPY\n\377\r\n\0`: the statement did not ask for
    /// `(FORMAT binary)`, or the bytes are not a COPY stream at all.
    case badSignature
    /// The stream ended inside its header (signature, flags, extension): `bytes` arrived of the
    /// `needed` bytes.
    case truncatedHeader(bytes: Int, needed: Int)
    /// Header flag bit 16: every tuple carries a row OID, which the exporter does not read.
    case oidsIncluded
    /// A format-critical header flag (bits 17-31) that PostgreSQL 15 does not define: a newer
    /// binary COPY format, which this reader cannot read safely.
    case unknownCriticalFlags(UInt32)
    /// A negative header-extension length.
    case badHeaderExtension(length: Int32)
    /// A tuple's field count is negative and not the trailer's -1.
    case badFieldCount(row: Int, count: Int16)
    /// A field's length is negative and not NULL's -1.
    case badFieldLength(row: Int, field: Int, length: Int32)
    /// The message ends inside a tuple: PostgreSQL sends whole tuples in each CopyData message.
    case truncatedTuple(row: Int, bytes: Int, needed: Int)
    /// Bytes followed the trailer, in its message or in a later one.
    case dataAfterTrailer(bytes: Int)
    /// The COPY ended (CopyDone) before the trailer arrived: the stream is incomplete, rows may be
    /// missing. Thrown by ``BinaryCopyReader/finish()``.
    case missingTrailer(rows: Int)

    public var description: String {
        switch self {
        case .badSignature:
            "the COPY data does not start with the binary COPY signature (PGCOPY\\n\\377\\r\\n\\0); the statement must be COPY ... TO STDOUT (FORMAT binary)"
        case .truncatedHeader(let bytes, let needed):
            "the binary COPY header is cut short: \(bytes) of its \(needed) bytes arrived in the first message"
        case .oidsIncluded:
            "the binary COPY stream includes row OIDs (header flag bit 16), which the exporter does not read; the COPY statement must not ask for OIDS"
        case .unknownCriticalFlags(let flags):
            "the binary COPY header sets format-critical flags 0x\(String(flags, radix: 16)) that PostgreSQL 15 does not define; this exporter cannot read that server's binary COPY format"
        case .badHeaderExtension(let length):
            "the binary COPY header declares a header extension of \(length) bytes; the length must not be negative"
        case .badFieldCount(let row, let count):
            "row \(row) of the binary COPY stream declares \(count) fields; a field count must not be negative (only the trailer is -1)"
        case .badFieldLength(let row, let field, let length):
            "field \(field) of row \(row) of the binary COPY stream declares a length of \(length) bytes; a length must not be negative (only NULL is -1)"
        case .truncatedTuple(let row, let bytes, let needed):
            "row \(row) of the binary COPY stream is cut short: its message holds \(bytes) of its \(needed) bytes"
        case .dataAfterTrailer(let bytes):
            "\(CountText.of(Int64(bytes), "byte")) of binary COPY data arrived after the end-of-data trailer"
        case .missingTrailer(let rows):
            "the binary COPY stream ended after \(CountText.of(Int64(rows), "row")) without its end-of-data trailer; rows may be missing"
        }
    }
}
