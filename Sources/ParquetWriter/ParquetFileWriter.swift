/// Writes one Parquet file as a stream of finished segments, with bounded memory.
///
/// Usage: for each row, append one value per column in schema order (`appendNull()`,
/// `append(_: Int64)`, `append(bytes:)`, ...) and call ``endRow()``; after each row, take any
/// finished segment with ``takeSegment()`` and upload it; at the end ``finish()`` returns the
/// last segment (remaining row group and footer). The file is the concatenation of all segments.
///
/// Values are copied out of the caller's buffers as they are appended (`append(bytes:)` takes a
/// raw buffer, so a decoder's scratch bytes go in without a `String` or an allocation per cell).
/// A row group closes when its buffered pages reach ``ParquetWriterOptions/rowGroupBytes`` (or
/// the row limit, or when a string column that is dictionary encoded file-wide fills its
/// dictionary) and is handed out at once as a segment; only its metadata stays for the footer.
/// A file without rows is valid: the schema and no row group.
/// Spec: https://github.com/apache/parquet-format#file-format
public struct ParquetFileWriter: Sendable {
    /// `PAR1`, at the start and at the end of every Parquet file.
    public static let magic: [UInt8] = Array("PAR1".utf8)

    public let columns: [ParquetColumn]
    public let options: ParquetWriterOptions
    private var output: PageOutput
    private var chunks: [ColumnChunkWriter]
    /// The column the next value goes to.
    private var cursor = 0
    private var rowsInGroup = 0
    /// A column's dictionary is full (see ``ColumnChunkWriter/wantsRowGroupClose``): noted when
    /// its value is appended, so `endRow` need not ask every column on every row.
    private var closeAfterRow = false
    /// The byte budget is summed over the columns once every this many rows, not on every row;
    /// a row group overshoots its budget by at most that many rows.
    static let rowsPerBudgetCheck = 64
    private var rowGroups: [RowGroup] = []
    /// Each column's statistics over the closed row groups (``fileStatistics``).
    private var fileColumns: [FileColumnStatistics]
    private var ready: [ParquetSegment] = []
    private var finished = false

    /// Rows ended so far.
    public private(set) var rowCount: Int64 = 0
    /// Bytes of the file in closed segments (handed out or waiting in ``takeSegment()``).
    public private(set) var closedBytes: Int64 = 0

    public init(columns: [ParquetColumn], codec: any PageCodec = UncompressedPageCodec(), options: ParquetWriterOptions)
        throws(ParquetWriterError)
    {
        guard !columns.isEmpty else { throw .invalidSchema("a Parquet file needs at least one column") }
        var names = Set<String>()
        for column in columns {
            guard !column.name.isEmpty else { throw .invalidSchema("a column has an empty name") }
            guard names.insert(column.name).inserted else {
                throw .invalidSchema("column \(column.name) appears twice")
            }
            if case .decimal(let precision, let scale) = column.type {
                guard precision >= 1 && precision <= ParquetDecimal.maxPrecision && scale >= 0 && scale <= precision
                else {
                    throw .invalidSchema(
                        "column \(column.name) is DECIMAL(\(precision),\(scale)); precision must be 1...38 "
                            + "and scale 0...precision")
                }
            }
        }
        // Page sizes, value counts and dictionary sizes end up in Thrift i32 fields.
        let i32 = 1...Int(Int32.max)
        guard i32.contains(options.pageSizeBytes), i32.contains(options.maxValuesPerPage),
              i32.contains(options.dictionaryByteLimit), options.rowGroupBytes > 0,
              options.maxRowsPerRowGroup > 0, options.statisticsTruncateLength > 0
        else { throw .invalidSchema("page, row group and statistics limits must be positive, and page and dictionary limits fit in 32 bits") }
        self.columns = columns
        output = PageOutput(codec: codec)
        self.options = options
        let limits = ColumnChunkWriter.Limits(options)
        chunks = columns.map { ColumnChunkWriter(column: $0, limits: limits) }
        fileColumns = chunks.map { FileColumnStatistics(storage: $0.storage) }
    }

    // MARK: Values

    public mutating func appendNull() throws(ParquetWriterError) {
        try checkCursor()
        chunks[cursor].appendNull()
        try advance()
    }

    /// An INT64 value: an `.int64` column, or microseconds since the epoch for `.timestampMicrosUTC`.
    public mutating func append(_ value: Int64) throws(ParquetWriterError) {
        try checkCursor()
        guard chunks[cursor].storage == .int64 else { throw mismatch(got: "an Int64") }
        chunks[cursor].append(int64: value)
        try advance()
    }

    public mutating func append(_ value: Bool) throws(ParquetWriterError) {
        try checkCursor()
        guard chunks[cursor].storage == .boolean else { throw mismatch(got: "a Bool") }
        chunks[cursor].append(bool: value)
        try advance()
    }

    /// UTF-8 (`.string`) or JSON (`.json`) bytes, copied in.
    public mutating func append(bytes value: UnsafeRawBufferPointer) throws(ParquetWriterError) {
        try checkCursor()
        guard case .byteArray = chunks[cursor].storage else { throw mismatch(got: "bytes") }
        guard value.count <= Int(Int32.max) else {
            throw .valueTooLarge(column: columns[cursor].name, bytes: value.count)
        }
        try chunks[cursor].append(bytes: value, output: &output)
        if chunks[cursor].wantsRowGroupClose { closeAfterRow = true }
        try advance()
    }

    /// Convenience for `.string` / `.json` columns when the value is a `String` already.
    public mutating func append(_ value: String) throws(ParquetWriterError) {
        var copy = value
        let result: Result<Void, ParquetWriterError> = copy.withUTF8 { buffer in
            do throws(ParquetWriterError) {
                try append(bytes: UnsafeRawBufferPointer(buffer))
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// A decimal as its unscaled integer (value × 10^scale), checked against the precision.
    public mutating func append(decimalUnscaled value: Int128) throws(ParquetWriterError) {
        try checkCursor()
        guard case .decimal(let precision, let scale) = columns[cursor].type else {
            throw mismatch(got: "a decimal")
        }
        let limit = ParquetDecimal.maxUnscaled(precision: precision)
        guard value <= limit && value >= -limit else {
            throw .decimalNotRepresentable(
                column: columns[cursor].name, precision: precision, scale: scale, reason: .outOfRange)
        }
        chunks[cursor].append(decimal: value)
        try advance()
    }

    /// A decimal as ASCII text (`-1234.50`), as PostgreSQL renders numeric.
    public mutating func append(decimalText text: UnsafeRawBufferPointer) throws(ParquetWriterError) {
        try checkCursor()
        guard case .decimal(let precision, let scale) = columns[cursor].type else {
            throw mismatch(got: "a decimal")
        }
        let value: Int128
        do {
            value = try ParquetDecimal.unscaled(text: text, precision: precision, scale: scale)
        } catch {
            throw .decimalNotRepresentable(
                column: columns[cursor].name, precision: precision, scale: scale, reason: error)
        }
        chunks[cursor].append(decimal: value)
        try advance()
    }

    /// Ends the row; closes the row group when it reached its byte or row budget.
    public mutating func endRow() throws(ParquetWriterError) {
        guard !finished else { throw .finished }
        guard cursor == chunks.count else { throw .rowShape(expected: chunks.count, got: cursor) }
        cursor = 0
        rowsInGroup += 1
        rowCount += 1
        var overBudget = false
        if rowsInGroup % Self.rowsPerBudgetCheck == 0 {
            try compressPendingPages()
            overBudget = bufferedBytes >= options.rowGroupBytes
        }
        if rowsInGroup >= options.maxRowsPerRowGroup || closeAfterRow || overBudget {
            try closeRowGroup()
        }
    }

    /// Once the pages cut but not compressed pass ``ParquetWriterOptions/compressionBatchBytes``, compresses them all, in
    /// parallel, and keeps only their compressed forms: so a row group holds its finished pages
    /// compressed (its byte budget then buys several times the rows) while compression still runs
    /// on every core, a batch of pages at a time.
    private mutating func compressPendingPages() throws(ParquetWriterError) {
        var pending = 0
        for index in chunks.indices { pending += chunks[index].uncompressedPageBytes }
        guard pending >= options.compressionBatchBytes else { return }
        var bodies: [[UInt8]] = []
        for index in chunks.indices { bodies.append(contentsOf: chunks[index].takeUncompressedBodies()) }
        let compressed = try PageCompression.compress(bodies, codec: output.codec)
        bodies = []
        var next = compressed.startIndex
        for index in chunks.indices {
            next = chunks[index].store(compressed: compressed, from: next)
        }
    }

    // MARK: Segments

    /// Bytes held for the open row group (pages, pages being filled, dictionaries).
    public var bufferedBytes: Int {
        var total = 0
        for index in chunks.indices { total += chunks[index].bufferedBytes }
        return total
    }

    /// Whether ``takeSegment()`` has a segment: checked after each row, so a single test.
    public var hasSegment: Bool { !ready.isEmpty }

    /// The next finished segment (a closed row group, the first one preceded by the magic).
    public mutating func takeSegment() -> ParquetSegment? {
        ready.isEmpty ? nil : ready.removeFirst()
    }

    /// Closes the open row group now (when it has rows), e.g. before rolling over to a new file.
    public mutating func closeRowGroup() throws(ParquetWriterError) {
        guard !finished else { throw .finished }
        guard cursor == 0 else { throw .rowShape(expected: chunks.count, got: cursor) }
        guard rowsInGroup > 0 else { return }
        var segment = ParquetSegment()
        if closedBytes == 0 {
            segment.parts.append(Self.magic)
            closedBytes = Int64(Self.magic.count)
        }
        let groupStart = closedBytes
        var offset = groupStart
        var metaData: [ColumnChunk] = []
        metaData.reserveCapacity(chunks.count)
        var uncompressed: Int64 = 0
        var sealed: [SealedChunk] = []
        sealed.reserveCapacity(chunks.count)
        for index in chunks.indices {
            chunks[index].mergeStatistics(into: &fileColumns[index])
            sealed.append(try chunks[index].seal(output: &output))
        }
        // The pages not compressed yet, all at once, in parallel; then laid out in column order.
        let compressed = try PageCompression.compress(sealed.flatMap(\.uncompressedBodies), codec: output.codec)
        var next = compressed.startIndex
        for index in sealed.indices {
            let count = sealed[index].uncompressedBodies.count
            sealed[index].store(compressed: compressed[next..<(next + count)])
            next += count
        }
        for chunk in sealed {
            let (parts, chunkMeta) = try chunk.layout(at: offset)
            offset += chunkMeta.totalCompressedSize
            uncompressed += chunkMeta.totalUncompressedSize
            segment.parts.append(contentsOf: parts)
            metaData.append(ColumnChunk(fileOffset: 0, metaData: chunkMeta))
        }
        let ordinal = rowGroups.count <= Int(Int16.max) ? Int16(rowGroups.count) : nil
        rowGroups.append(RowGroup(
            columns: metaData, totalByteSize: uncompressed, numRows: Int64(rowsInGroup),
            fileOffset: groupStart, totalCompressedSize: offset - groupStart, ordinal: ordinal))
        closedBytes = offset
        rowsInGroup = 0
        closeAfterRow = false
        ready.append(segment)
    }

    /// Closes the last row group and returns every segment not taken yet followed by the footer:
    /// FileMetaData, its 4-byte little-endian length and `PAR1`.
    public mutating func finish() throws(ParquetWriterError) -> ParquetSegment {
        try closeRowGroup()
        finished = true
        var segment = ParquetSegment()
        for waiting in ready { segment.parts.append(contentsOf: waiting.parts) }
        ready.removeAll()
        if closedBytes == 0 {
            segment.parts.append(Self.magic)
            closedBytes = Int64(Self.magic.count)
        }
        let footer = ThriftCompactWriter.serialize(fileMetaData)
        var tail = footer
        PlainEncoder.append(int32: Int32(truncatingIfNeeded: footer.count), to: &tail)
        tail.append(contentsOf: Self.magic)
        segment.parts.append(tail)
        closedBytes += Int64(tail.count)
        return segment
    }

    /// The file's statistics, one per column in schema order: the statistics of the column's
    /// chunks in every closed row group merged (after ``finish()``, the whole file's), for table
    /// formats that keep statistics per file (a Delta `add` action's `stats`).
    ///
    /// - NULL count: the chunks' summed.
    /// - Bounds (only when the file has a non-NULL value): the least of the chunks' minima and
    ///   the greatest of their maxima in the column's own order (as the chunk statistics compare:
    ///   signed integers, decimals and timestamps, unsigned bytes for strings and JSON), merged
    ///   before truncation, so exact; PLAIN-encoded like ``Statistics/minValue``.
    /// - Strings and JSON longer than ``ParquetWriterOptions/statisticsTruncateLength`` bytes are
    ///   truncated as the chunks' strings are (``StatisticsTruncation``) and marked inexact.
    /// - Booleans: `min_value` 0 unless every value was true, `max_value` 1 if any was.
    public var fileStatistics: [Statistics] {
        fileColumns.map { $0.statistics(truncateLength: options.statisticsTruncateLength) }
    }

    /// The footer as it stands: the schema (a root group, then one OPTIONAL leaf per column),
    /// the closed row groups, and TYPE_ORDER for every column.
    public var fileMetaData: FileMetaData {
        var schema = [SchemaElement(name: "schema", numChildren: Int32(columns.count))]
        for column in columns { schema.append(column.type.schemaElement(name: column.name)) }
        return FileMetaData(
            version: 1, schema: schema, numRows: rowGroups.reduce(0) { $0 + $1.numRows }, rowGroups: rowGroups,
            keyValueMetadata: options.keyValueMetadata.isEmpty ? nil : options.keyValueMetadata,
            createdBy: options.createdBy,
            columnOrders: Array(repeating: .typeDefinedOrder, count: columns.count))
    }

    // MARK: Helpers

    @inline(__always)
    private func checkCursor() throws(ParquetWriterError) {
        guard !finished else { throw .finished }
        guard cursor < chunks.count else { throw .rowShape(expected: chunks.count, got: cursor + 1) }
    }

    @inline(__always)
    private mutating func advance() throws(ParquetWriterError) {
        if chunks[cursor].pageIsFull { try chunks[cursor].cutPage(output: &output) }
        cursor += 1
    }

    private func mismatch(got: String) -> ParquetWriterError {
        let expected: String = switch columns[cursor].type {
        case .string: "text"
        case .json: "JSON text"
        case .int64: "Int64"
        case .boolean: "Bool"
        case .timestampMicrosUTC: "a timestamp (Int64 microseconds)"
        case .decimal(let precision, let scale): "DECIMAL(\(precision),\(scale))"
        }
        return .typeMismatch(column: columns[cursor].name, expected: expected, got: got)
    }
}
