/// Encodes one leaf column of a nested file (``ParquetNestedFileWriter``) into data pages v1 and
/// the chunk's metadata, as a ``SealedChunk`` the row group then compresses and lays out like
/// the flat writer's chunks.
///
/// Each page body is `[u32 length][RLE repetition levels]` (when the leaf is under a repeated
/// field), `[u32 length][RLE definition levels]` (when it has an optional or repeated field on
/// its path), then the present values PLAIN. A page ends once it holds `maxValuesPerPage` level
/// entries or `pageSizeBytes` of values, at the next row start (repetition level 0), so no row
/// spans two pages, which some readers (and page indexes) assume.
/// Spec: https://github.com/apache/parquet-format#data-pages
enum NestedColumnChunkEncoder {
    static func encode(
        _ leaf: ParquetLeafDescriptor, _ column: ParquetLeafColumn, codec: CompressionCodec,
        maxValuesPerPage: Int, pageSizeBytes: Int = 1 << 20, statisticsTruncateLength: Int
    ) throws(ParquetWriterError) -> SealedChunk {
        let name = leaf.dottedPath
        let definitions = column.definitionLevels
        let repetitions = column.repetitionLevels.isEmpty
            ? [UInt8](repeating: 0, count: definitions.count) : column.repetitionLevels
        let maxDefinition = UInt8(leaf.maxDefinitionLevel)
        let definitionWidth = RLEHybridEncoder.bitWidth(forMaxValue: UInt32(leaf.maxDefinitionLevel))
        let repetitionWidth = RLEHybridEncoder.bitWidth(forMaxValue: UInt32(leaf.maxRepetitionLevel))
        var pages: [PendingPage] = []
        var start = 0
        var valueStart = 0
        while start < definitions.count {
            // The page ends at the first row start past either limit.
            var end = start
            var valueEnd = valueStart
            var valueBytes = 0
            while end < definitions.count {
                if end > start && repetitions[end] == 0
                    && (end - start >= maxValuesPerPage || valueBytes >= pageSizeBytes) { break }
                if definitions[end] == maxDefinition {
                    valueBytes += plainSize(column.values, at: valueEnd)
                    valueEnd += 1
                }
                end += 1
            }
            guard end - start <= Int(Int32.max) else { throw .valueTooLarge(column: name, bytes: end - start) }
            let present = valueEnd - valueStart
            var body: [UInt8] = []
            if leaf.maxRepetitionLevel > 0 {
                appendLevels(repetitions[start..<end], bitWidth: repetitionWidth, to: &body)
            }
            if leaf.maxDefinitionLevel > 0 {
                appendLevels(definitions[start..<end], bitWidth: definitionWidth, to: &body)
            }
            appendPlain(column.values, from: valueStart, to: valueStart + present, to: &body)
            guard body.count <= Int(Int32.max) else { throw .valueTooLarge(column: name, bytes: body.count) }
            let header = PageHeader(
                type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0,
                dataPageHeader: DataPageHeader(numValues: Int32(end - start), encoding: .plain))
            pages.append(PendingPage(header: header, body: body))
            start = end
            valueStart += present
        }
        let metaData = ColumnMetaData(
            type: leaf.type.physicalType, encodings: [.plain, .rle], pathInSchema: leaf.path, codec: codec,
            numValues: Int64(definitions.count), totalUncompressedSize: 0, totalCompressedSize: 0, dataPageOffset: 0,
            statistics: statistics(
                column.values, nullCount: Int64(definitions.count - column.values.count),
                truncateLength: statisticsTruncateLength),
            encodingStats: [PageEncodingStats(pageType: .dataPage, encoding: .plain, count: Int32(pages.count))])
        return SealedChunk(columnName: name, pages: pages, hasDictionary: false, metaData: metaData)
    }

    /// What the value at `index` takes PLAIN (a boolean counted as a byte: a bound, not a size).
    private static func plainSize(_ values: ParquetLeafValues, at index: Int) -> Int {
        switch values {
        case .byteArrays(let all): 4 + all[index].count
        case .int32: 4
        case .int64: 8
        case .boolean: 1
        }
    }

    /// `[u32 little-endian length][RLE/bit-packed hybrid levels]`, as data page v1 frames both level streams.
    private static func appendLevels(_ levels: ArraySlice<UInt8>, bitWidth: Int, to body: inout [UInt8]) {
        var encoded: [UInt8] = []
        levels.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: bitWidth, into: &encoded) }
        PlainEncoder.append(int32: Int32(truncatingIfNeeded: encoded.count), to: &body)
        body.append(contentsOf: encoded)
    }

    private static func appendPlain(_ values: ParquetLeafValues, from start: Int, to end: Int, to body: inout [UInt8]) {
        switch values {
        case .byteArrays(let all):
            for value in all[start..<end] {
                value.withUnsafeBytes { PlainEncoder.append(byteArray: $0, to: &body) }
            }
        case .int32(let all):
            for value in all[start..<end] { PlainEncoder.append(int32: value, to: &body) }
        case .int64(let all):
            for value in all[start..<end] { PlainEncoder.append(int64: value, to: &body) }
        case .boolean(let all):
            var packer = BooleanBitPacker()
            for value in all[start..<end] { packer.append(value) }
            body.append(contentsOf: packer.bytes)
        }
    }

    /// NULL count (entries without a value: NULLs, and NULL or empty parents) and, when there is a
    /// value, its bounds as the flat writer orders them: integers signed, booleans false < true,
    /// text unsigned byte-wise, truncated to `truncateLength` bytes (and then marked inexact).
    static func statistics(_ values: ParquetLeafValues, nullCount: Int64, truncateLength: Int) -> Statistics {
        var statistics = Statistics(nullCount: nullCount)
        switch values {
        case .byteArrays(let all):
            guard var low = all.first, var high = all.first else { return statistics }
            for value in all.dropFirst() {
                let below = value.withUnsafeBytes { v in low.withUnsafeBytes { ByteComparison.precedes(v, $0) } }
                if below { low = value }
                let above = value.withUnsafeBytes { v in high.withUnsafeBytes { ByteComparison.precedes($0, v) } }
                if above { high = value }
            }
            StatisticsBounds(truncating: low, high, limit: truncateLength).apply(to: &statistics)
            return statistics
        case .int32(let all):
            guard let low = all.min(), let high = all.max() else { return statistics }
            return bounds(PlainEncoder.encode(int32: low), PlainEncoder.encode(int32: high), nullCount: nullCount)
        case .int64(let all):
            guard let low = all.min(), let high = all.max() else { return statistics }
            return bounds(PlainEncoder.encode(int64: low), PlainEncoder.encode(int64: high), nullCount: nullCount)
        case .boolean(let all):
            guard !all.isEmpty else { return statistics }
            return bounds([all.contains(false) ? 0 : 1], [all.contains(true) ? 1 : 0], nullCount: nullCount)
        }
    }

    /// Exact bounds, in both the current and the deprecated fields (signed order is the type's own).
    private static func bounds(_ low: [UInt8], _ high: [UInt8], nullCount: Int64) -> Statistics {
        Statistics(
            max: high, min: low, nullCount: nullCount, maxValue: high, minValue: low,
            isMaxValueExact: true, isMinValueExact: true)
    }
}
