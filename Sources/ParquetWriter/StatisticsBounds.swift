/// A column's bounds as a ``Statistics`` carries them: PLAIN-encoded without a length prefix,
/// also in the deprecated `min`/`max` where signed order is the type's own (integers, narrow
/// decimals, booleans), and text cut to a length (then marked inexact). One place for the chunk
/// statistics (``ColumnChunkWriter``), the file's (``FileColumnStatistics``) and the nested
/// writer's, so all encode alike. Spec: parquet.thrift `struct Statistics`.
struct StatisticsBounds {
    var min: [UInt8]
    var max: [UInt8]
    /// Whether the deprecated `min`/`max` fields are filled too.
    var alsoDeprecated: Bool
    var minExact = true
    var maxExact = true

    /// Text bounds (BYTE_ARRAY, unsigned byte order) cut to `limit` bytes with
    /// ``StatisticsTruncation``: a prefix as the lower bound, an incremented prefix as the upper.
    init(truncating low: [UInt8], _ high: [UInt8], limit: Int) {
        (min, minExact) = StatisticsTruncation.lowerBound(low, limit: limit)
        (max, maxExact) = StatisticsTruncation.upperBound(high, limit: limit)
        alsoDeprecated = false
    }

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

    /// Sets the bounds on `statistics`.
    func apply(to statistics: inout Statistics) {
        statistics.minValue = min
        statistics.maxValue = max
        statistics.isMinValueExact = minExact
        statistics.isMaxValueExact = maxExact
        if alsoDeprecated {
            statistics.min = min
            statistics.max = max
        }
    }
}
