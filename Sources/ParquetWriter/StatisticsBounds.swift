/// The bounds of a column that is not BYTE_ARRAY, as a ``Statistics`` carries them: PLAIN-encoded
/// without a length prefix, and also in the deprecated `min`/`max` where signed order is the
/// type's own (integers, narrow decimals, booleans). One place for the chunk statistics
/// (``ColumnChunkWriter``) and the file's (``FileColumnStatistics``), so both always encode alike.
/// Spec: parquet.thrift `struct Statistics`.
struct StatisticsBounds {
    var min: [UInt8]
    var max: [UInt8]
    /// Whether the deprecated `min`/`max` fields are filled too.
    var alsoDeprecated: Bool

    /// nil for a BYTE_ARRAY column, whose bounds each caller truncates its own way.
    init?(storage: ColumnChunkWriter.Storage, minInteger: Int64, maxInteger: Int64, minWide: Int128, maxWide: Int128,
          sawFalse: Bool, sawTrue: Bool) {
        switch storage {
        case .int64, .int64Decimal:
            (min, max, alsoDeprecated) = (PlainEncoder.encode(int64: minInteger), PlainEncoder.encode(int64: maxInteger), true)
        case .int32Decimal:
            (min, max, alsoDeprecated) = (PlainEncoder.encode(int32: Int32(truncatingIfNeeded: minInteger)),
                                          PlainEncoder.encode(int32: Int32(truncatingIfNeeded: maxInteger)), true)
        case .fixedDecimal:
            (min, max, alsoDeprecated) = (ParquetDecimal.bigEndianBytes(minWide), ParquetDecimal.bigEndianBytes(maxWide), false)
        case .boolean:
            (min, max, alsoDeprecated) = ([sawFalse ? 0 : 1], [sawTrue ? 1 : 0], true)
        case .byteArray:
            return nil
        }
    }

    /// Sets the bounds (exact) on `statistics`.
    func apply(to statistics: inout Statistics) {
        statistics.minValue = min
        statistics.maxValue = max
        statistics.isMinValueExact = true
        statistics.isMaxValueExact = true
        if alsoDeprecated {
            statistics.min = min
            statistics.max = max
        }
    }
}
