import NIOCore

/// One cell of an exported row, in the contract's types (DESIGN §2), as the source hands it to
/// an encoder.
///
/// The payloads are slices of the bytes PostgreSQL sent (no `String` per cell), so a row goes
/// from the wire into the output buffer without intermediate allocations.
public enum FieldValue {
    case null
    /// UTF-8 text (ids, names, enums, and numerics already rendered as exact decimal text).
    case text(ByteBuffer)
    /// An exact decimal rendered as ASCII text: quoted in JSON so no reader turns it into a float.
    case decimal(ByteBuffer)
    /// An integer, a JSON number.
    case integer(Int64)
    case bool(Bool)
    /// A timestamp as microseconds since 1970-01-01T00:00:00Z, written as RFC 3339 UTC.
    case timestamp(micros: Int64)
    /// JSON text (jsonb/json), embedded as JSON in JSON output and as compact text in CSV.
    case json(ByteBuffer)
}
