/// A column's NULL count and bounds over the window, as the Parquet statistics state them.
struct ColumnBounds: Sendable {
    /// A bound in the reader script's JSON shape: `{"int": ...}` (INT64 and timestamps, raw),
    /// a Bool, `{"decimal": ...}` (logical), or raw bytes for BYTE_ARRAY.
    enum Bound: Sendable, Equatable {
        case int(String)
        case bool(Bool)
        case decimal(String)
        case bytes([UInt8])
    }

    let nullCount: Int
    let min: Bound?
    let max: Bound?
}
