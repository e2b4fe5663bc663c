import ExporterCore
import ExporterEncoder
import NIOCore
import ParquetWriter

/// The ``FileEncoder`` of `format: parquet` (DESIGN §5a): copies each cell out of the decoder
/// into a ``ParquetFileWriter``'s column builders and hands out each row group as soon as it
/// closes, so an export holds about one row group, whatever the window's size.
///
/// Files roll over only between row groups (a Parquet file cannot be cut anywhere else): a file
/// ends at the first row-group boundary after which another full row group could pass
/// `max_file_size_mb`, and the next row starts a new, complete file (`_part-NNNN.parquet`).
/// Row groups are never larger than the file limit, so files stay within it (by at most the
/// few rows a row group overshoots its budget, and a footer).
///
/// Every file's last segment (a rollover's `endsFile` segment, and the last of `finish()`)
/// carries the file's ``FileStatistics`` for a Delta `add` action (``ParquetFileStatistics``).
///
/// Concurrency: see ``FileEncoder``; that ordering is why this class is `@unchecked Sendable`.
public final class ParquetFileEncoder<Decoder: FieldDecoding>: FileEncoder, @unchecked Sendable {
    /// How the files are written.
    public struct Configuration: Sendable {
        /// The page codec for `compression` (``ParquetPageCodecs``).
        public var codec: any PageCodec
        /// EXPORTER_PARQUET_ROW_GROUP_MB in bytes.
        public var rowGroupBytes: Int
        /// `max_file_size_mb` in bytes.
        public var maxFileBytes: Int
        /// `flexprice-exporter version X.Y.Z (build H)`.
        public var createdBy: String

        public init(codec: any PageCodec, rowGroupBytes: Int, maxFileBytes: Int, createdBy: String) {
            self.codec = codec
            self.rowGroupBytes = rowGroupBytes
            self.maxFileBytes = maxFileBytes
            self.createdBy = createdBy
        }

        /// A row group is never larger than a file may be.
        var rowGroupBudget: Int { max(1, min(rowGroupBytes, maxFileBytes)) }
    }

    private let configuration: Configuration
    /// What each row touches, in one stored property: a row is one dynamic exclusivity check on
    /// this class, not one per field (measured at 13% of the export's CPU with one per field).
    private var row: RowState
    private var segments: [EncodedSegment] = []
    /// Rows of the open row group: they travel with the segment that closes it.
    private var rowsInOpenGroup = 0
    /// Set when a closed row group left too little room for another: the next row starts a new file.
    private var rollBeforeNextRow = false
    public private(set) var totalRows: Int64 = 0

    /// The per-row state.
    private struct RowState {
        var decoder: Decoder
        var writer: ParquetFileWriter?
        /// The file's columns (names for error messages, and the next file's schema).
        var columns: [ParquetColumn] = []
        /// Each column's type, without its name: no reference counting per cell.
        var types: [ParquetColumnType] = []
        /// Text rendered for a STRING column from a typed value (a timestamp written as text).
        var scratch = ByteBuffer()
        /// Rows consumed since segments were last collected.
        var rowsSinceCollect = 0
    }

    public init(decoder: Decoder, configuration: Configuration) {
        row = RowState(decoder: decoder)
        self.configuration = configuration
    }

    public var needsSourceColumns: Bool { true }

    /// Fixes the file's schema from the declared types (``ParquetSchemaMapping``).
    public func begin(columns source: [SourceColumn]) throws {
        try row.decoder.prepare(columns: source)
        row.columns = ParquetSchemaMapping.parquetColumns(for: source)
        row.types = row.columns.map(\.type)
        row.writer = try encoding { () throws(ParquetWriterError) in try makeWriter() }
    }

    public func consume(_ source: Decoder.Row) throws {
        if rollBeforeNextRow { try rollOver() }
        let closedGroup: Bool
        do {
            closedGroup = try Self.write(source, state: &row)
        } catch NoWriter.noWriter {
            throw notBegun
        } catch {
            // A row that failed halfway left the writer between two columns: it takes no more rows.
            row.writer = nil
            failed = true
            if let error = error as? ParquetWriterError { throw ExportError.encoding(error.description) }
            throw error
        }
        guard closedGroup else { return }
        collectRows()
        while var group = row.writer?.takeSegment() {
            emit(&group, endsFile: false)
            if let closed = row.writer?.closedBytes,
               closed + Int64(configuration.rowGroupBudget) > Int64(configuration.maxFileBytes) {
                rollBeforeNextRow = true
            }
        }
    }

    /// Moves the rows counted in the per-row state to the totals.
    private func collectRows() {
        totalRows += Int64(row.rowsSinceCollect)
        rowsInOpenGroup += row.rowsSinceCollect
        row.rowsSinceCollect = 0
    }

    public func takeSegments() -> [EncodedSegment] {
        collectRows()
        defer { segments = [] }
        return segments
    }

    public func finish() throws -> [EncodedSegment] {
        guard row.writer != nil else { throw notBegun }
        collectRows()
        var last = try encoding { () throws(ParquetWriterError) in try row.writer!.finish() }
        emit(&last, endsFile: false, statistics: row.writer.map(ParquetFileStatistics.fileStatistics(of:)))
        return takeSegments()
    }

    // MARK: Files

    private func makeWriter() throws(ParquetWriterError) -> ParquetFileWriter {
        try ParquetFileWriter(
            columns: row.columns, codec: configuration.codec,
            options: ParquetWriterOptions(createdBy: configuration.createdBy, rowGroupBytes: configuration.rowGroupBudget))
    }

    /// Ends the current file (its footer) and starts the next with the same schema.
    private func rollOver() throws {
        collectRows()
        var footer = try encoding { () throws(ParquetWriterError) in try row.writer!.finish() }
        emit(&footer, endsFile: true, statistics: row.writer.map(ParquetFileStatistics.fileStatistics(of:)))
        row.writer = try encoding { () throws(ParquetWriterError) in try makeWriter() }
        rollBeforeNextRow = false
    }

    /// Queues a finished stretch of the file in buffers of about a MiB (pages and their headers
    /// gathered); the rows of the row group it closes travel with its last buffer. In place:
    /// each page's array is freed as soon as it is copied (the segment is its only owner), so a
    /// row group is never held twice over.
    ///
    /// `statistics`, given with a file's last stretch (a rollover's footer, or `finish()`'s),
    /// travel on its last buffer: every file the encoder writes ends in a segment carrying its
    /// ``FileStatistics``, every other segment carries none.
    private func emit(_ segment: inout ParquetSegment, endsFile: Bool, statistics: FileStatistics? = nil) {
        let count = segment.parts.count
        guard count > 0 else { return }
        var buffer = ByteBuffer()
        for index in 0..<count {
            buffer.writeBytes(segment.parts[index])
            segment.parts[index] = []
            let last = index == count - 1
            if last || buffer.readableBytes >= Self.bufferBytes {
                segments.append(EncodedSegment(
                    bytes: buffer, rows: last ? rowsInOpenGroup : 0, endsFile: last && endsFile,
                    statistics: last ? statistics : nil))
                buffer = ByteBuffer()
            }
        }
        rowsInOpenGroup = 0
    }

    /// Output buffers are cut once they reach this size.
    static var bufferBytes: Int { 1 << 20 }

    /// The writer is gone: no columns yet, or an earlier row failed.
    private enum NoWriter: Error { case noWriter }

    /// An earlier row failed: the file cannot be finished.
    private var failed = false

    private var notBegun: ExportError {
        failed ? .internal("the Parquet encoder was used after a row failed")
            : .internal("the Parquet encoder was given rows before the columns' types")
    }

    /// Runs `body`, reporting a writer error as an encoding failure of the run.
    private func encoding<T>(_ body: () throws(ParquetWriterError) -> T) throws(ExportError) -> T {
        do {
            return try body()
        } catch {
            throw .encoding(error.description)
        }
    }

    // MARK: Values

    /// One row, cell by cell, straight from the decoder into the column builders; returns
    /// whether it closed a row group (a segment is then ready).
    private static func write(_ source: Decoder.Row, state: inout RowState) throws -> Bool {
        guard state.writer != nil else { throw NoWriter.noWriter }
        try write(source, to: &state.writer!, decoder: &state.decoder, types: state.types, scratch: &state.scratch,
                  columns: state.columns)
        state.rowsSinceCollect += 1
        return state.writer!.hasSegment
    }

    /// Throws the writer's ``ParquetWriterError``s, and the decoder's own errors (a malformed
    /// cell) as they are.
    private static func write(_ source: Decoder.Row, to writer: inout ParquetFileWriter, decoder: inout Decoder,
                              types: [ParquetColumnType], scratch: inout ByteBuffer, columns: [ParquetColumn]) throws {
        var index = 0
        try decoder.forEachField(of: source) { value in
            guard index < types.count else { throw ParquetWriterError.rowShape(expected: types.count, got: index + 1) }
            try append(value, type: types[index], writer: &writer, scratch: &scratch) { columns[index].name }
            index += 1
        }
        try writer.endRow()
    }

    @inline(__always)
    private static func append(_ value: FieldValue, type: ParquetColumnType, writer: inout ParquetFileWriter,
                               scratch: inout ByteBuffer, name: () -> String) throws(ParquetWriterError) {
        switch (type, value) {
        case (_, .null):
            try writer.appendNull()
        case (.string, .text(let bytes)), (.string, .decimal(let bytes)), (.string, .json(let bytes)),
             (.json, .text(let bytes)), (.json, .json(let bytes)):
            try writer.append(bytes: bytes)
        case (.string, .integer(let number)):
            render(into: &scratch) { TextFormatting.writeInteger(number, into: &$0) }
            try append(bytes: scratch, writer: &writer)
        case (.string, .bool(let flag)):
            render(into: &scratch) { $0.write(flag ? "true" : "false") }
            try append(bytes: scratch, writer: &writer)
        case (.string, .timestamp(let micros)):
            render(into: &scratch) { TextFormatting.writeRFC3339(micros: micros, into: &$0) }
            try append(bytes: scratch, writer: &writer)
        case (.decimal, .decimal(let text)):
            try writer.append(decimalText: text)
        case (.decimal, .integer(let number)):
            // An integer column declared DECIMAL (ClickHouse's UInt64 as DECIMAL(20, 0)).
            render(into: &scratch) { TextFormatting.writeInteger(number, into: &$0) }
            let result: Result<Void, ParquetWriterError> = scratch.withUnsafeReadableBytes { raw in
                Result { () throws(ParquetWriterError) in try writer.append(decimalText: raw) }
            }
            try result.get()
        case (.int64, .integer(let number)), (.timestampMicrosUTC, .timestamp(let number)):
            try writer.append(number)
        case (.boolean, .bool(let flag)):
            try writer.append(flag)
        default:
            throw .typeMismatch(column: name(), expected: "\(type)", got: value.kindName)
        }
    }

    /// A value rendered into the scratch buffer.
    private static func append(bytes: ByteBuffer, writer: inout ParquetFileWriter) throws(ParquetWriterError) {
        let result: Result<Void, ParquetWriterError> = bytes.withUnsafeReadableBytes { raw in
            Result { () throws(ParquetWriterError) in try writer.append(bytes: raw) }
        }
        try result.get()
    }

    private static func render(into scratch: inout ByteBuffer, _ body: (inout RawByteWriter) -> Void) {
        scratch.clear()
        scratch.writeWithRawByteWriter(body)
    }
}

extension FieldValue {
    /// What kind of value this is, for an error message (never the value itself).
    var kindName: String {
        switch self {
        case .null: "NULL"
        case .text: "text"
        case .decimal: "a number"
        case .integer: "an integer"
        case .bool: "a boolean"
        case .timestamp: "a timestamp"
        case .json: "JSON"
        }
    }
}
