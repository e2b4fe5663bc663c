/// One column's statistics over a whole file: the chunk statistics of every row group closed so
/// far, merged as each row group closes (``ParquetFileWriter/fileStatistics``).
///
/// The merge works on the chunks' bounds before truncation, in the column's own order, the same
/// comparisons the chunk statistics use: signed integers for INT32/INT64 (integers, decimals,
/// timestamps), signed 128-bit for FIXED_LEN_BYTE_ARRAY decimals, unsigned bytes for strings and
/// JSON (``ByteComparison/precedes(_:_:)``). So the file's minimum is the least of the chunks'
/// minima and its maximum the greatest of their maxima, exactly, and the NULL count their sum.
/// It runs once per row group per column, never per value.
struct FileColumnStatistics: Sendable {
    let storage: ColumnChunkWriter.Storage
    private(set) var nullCount: Int64 = 0
    /// Whether any chunk had a non-NULL value.
    private(set) var hasValue = false
    private var minInteger: Int64 = 0
    private var maxInteger: Int64 = 0
    private var minWide: Int128 = 0
    private var maxWide: Int128 = 0
    private var sawFalse = false
    private var sawTrue = false
    private var minBytes: [UInt8] = []
    private var maxBytes: [UInt8] = []

    init(storage: ColumnChunkWriter.Storage) {
        self.storage = storage
    }

    mutating func addNulls(_ count: Int64) {
        nullCount += count
    }

    /// A chunk's bounds of an INT32 or INT64 column (integers, timestamps, narrow decimals).
    mutating func merge(minInteger chunkMin: Int64, maxInteger chunkMax: Int64) {
        Self.widen(&minInteger, &maxInteger, to: chunkMin, chunkMax, first: !hasValue)
        hasValue = true
    }

    /// A chunk's bounds of a FIXED_LEN_BYTE_ARRAY(16) decimal column.
    mutating func merge(minWide chunkMin: Int128, maxWide chunkMax: Int128) {
        Self.widen(&minWide, &maxWide, to: chunkMin, chunkMax, first: !hasValue)
        hasValue = true
    }

    /// The file's bounds so far widened to take in a chunk's (or taken from it, for the first).
    private static func widen<T: Comparable>(_ low: inout T, _ high: inout T, to chunkMin: T, _ chunkMax: T, first: Bool) {
        low = first ? chunkMin : Swift.min(low, chunkMin)
        high = first ? chunkMax : Swift.max(high, chunkMax)
    }

    /// A chunk's booleans: whether it held a false and a true.
    mutating func merge(sawFalse chunkFalse: Bool, sawTrue chunkTrue: Bool) {
        sawFalse = sawFalse || chunkFalse
        sawTrue = sawTrue || chunkTrue
        hasValue = true
    }

    /// A chunk's untruncated bounds of a BYTE_ARRAY column, in unsigned byte order. The arrays are
    /// shared, not copied, when they become the file's.
    mutating func merge(minBytes chunkMin: [UInt8], maxBytes chunkMax: [UInt8]) {
        if !hasValue {
            minBytes = chunkMin
            maxBytes = chunkMax
            hasValue = true
            return
        }
        let lower = chunkMin.withUnsafeBytes { new in minBytes.withUnsafeBytes { ByteComparison.precedes(new, $0) } }
        if lower { minBytes = chunkMin }
        let higher = chunkMax.withUnsafeBytes { new in maxBytes.withUnsafeBytes { ByteComparison.precedes($0, new) } }
        if higher { maxBytes = chunkMax }
    }

    /// The file's statistics as a ``Statistics``, in the form the chunk statistics take (PLAIN
    /// bounds without a length prefix, the deprecated `min`/`max` for integers and booleans):
    /// the NULL count always, bounds when a value was seen. Strings and JSON alike are cut to
    /// `truncateLength` bytes with ``StatisticsTruncation`` (a prefix as the lower bound, an
    /// incremented prefix as the upper one, both marked inexact): for a table format a JSON column
    /// is a string column, and a lower bound needs no valid JSON (the Parquet footer, read as
    /// JSON, keeps JSON bounds whole or leaves them out instead).
    func statistics(truncateLength: Int) -> Statistics {
        var statistics = Statistics(nullCount: nullCount)
        guard hasValue else { return statistics }
        if let bounds = StatisticsBounds(storage: storage, minInteger: minInteger, maxInteger: maxInteger,
                                         minWide: minWide, maxWide: maxWide, sawFalse: sawFalse, sawTrue: sawTrue) {
            bounds.apply(to: &statistics)
            return statistics
        }
        StatisticsBounds(truncating: minBytes, maxBytes, limit: truncateLength).apply(to: &statistics)
        return statistics
    }
}
