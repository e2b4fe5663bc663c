/// One cell of an exported row, in the contract's types (DESIGN §2), as the source hands it to
/// an encoder.
///
/// The byte payloads point into the source's own buffer (the COPY message, or the decoder's
/// scratch space for a rendered numeric, date or UUID) and are valid only while the
/// ``FieldDecoding/forEachField(of:_:)`` callback that receives them runs. They are raw pointers,
/// not `ByteBuffer` slices, because a slice per cell retains and releases the message's storage
/// and checks exclusive access to it: measured at about a fifth of an export's CPU.
public enum FieldValue {
    case null
    /// UTF-8 text (ids, names, enums, and numerics already rendered as exact decimal text).
    case text(UnsafeRawBufferPointer)
    /// An exact decimal rendered as ASCII text: quoted in JSON so no reader turns it into a float.
    case decimal(UnsafeRawBufferPointer)
    /// An integer, a JSON number.
    case integer(Int64)
    case bool(Bool)
    /// A timestamp as microseconds since 1970-01-01T00:00:00Z, written as RFC 3339 UTC.
    case timestamp(micros: Int64)
    /// JSON text (jsonb/json), embedded as JSON in JSON output and as compact text in CSV.
    case json(UnsafeRawBufferPointer)
}
