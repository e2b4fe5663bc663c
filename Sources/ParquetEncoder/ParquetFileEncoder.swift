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
    private var decoder: Decoder
    private var columns: [ParquetColumn] = []
    private var writer: ParquetFileWriter?
    private var segments: [EncodedSegment] = []
    /// Rows of the open row group: they travel with the segment that closes it.
    private var rowsInOpenGroup = 0
    /// Set when a closed row group left too little room for another: the next row starts a new file.
    private var rollBeforeNextRow = false
    /// Text rendered for a STRING column from a typed value (a timestamp of a column written as text).
    private var scratch = ByteBuffer()
    public private(set) var totalRows: Int64 = 0

    public init(decoder: Decoder, configuration: Configuration) {
        self.decoder = decoder
        self.configuration = configuration
    }

    public var needsSourceColumns: Bool { true }

    /// Fixes the file's schema from the declared types (``ParquetSchemaMapping``).
    public func begin(columns source: [SourceColumn]) throws {
        columns = ParquetSchemaMapping.parquetColumns(for: source)
        writer = try encoding { () throws(ParquetWriterError) in try makeWriter() }
    }

    public func consume(_ row: Decoder.Row) throws {
        if rollBeforeNextRow { try rollOver() }
        guard writer != nil else { throw notBegun }
        try encoding { () throws(ParquetWriterError) in
            // In place: `writer!` as an inout argument is not a copy of the writer's buffers.
            try Self.write(row, to: &writer!, decoder: &decoder, columns: columns, scratch: &scratch)
        }
        totalRows += 1
        rowsInOpenGroup += 1
        while let group = writer?.takeSegment() {
            emit(group, endsFile: false)
            if let closed = writer?.closedBytes,
               closed + Int64(configuration.rowGroupBudget) > Int64(configuration.maxFileBytes) {
                rollBeforeNextRow = true
            }
        }
    }

    public func takeSegments() -> [EncodedSegment] {
        defer { segments = [] }
        return segments
    }

    public func finish() throws -> [EncodedSegment] {
        guard writer != nil else { throw notBegun }
        let last = try encoding { () throws(ParquetWriterError) in try writer!.finish() }
        emit(last, endsFile: false)
        return takeSegments()
    }

    // MARK: Files

    private func makeWriter() throws(ParquetWriterError) -> ParquetFileWriter {
        try ParquetFileWriter(
            columns: columns, codec: configuration.codec,
            options: ParquetWriterOptions(createdBy: configuration.createdBy, rowGroupBytes: configuration.rowGroupBudget))
    }

    /// Ends the current file (its footer) and starts the next with the same schema.
    private func rollOver() throws {
        let footer = try encoding { () throws(ParquetWriterError) in try writer!.finish() }
        emit(footer, endsFile: true)
        writer = try encoding { () throws(ParquetWriterError) in try makeWriter() }
        rollBeforeNextRow = false
    }

    /// Queues a finished stretch of the file, one buffer per page (each page's array is freed as
    /// it is copied, so a row group is never held twice over); the rows of the row group it
    /// closes travel with its last buffer.
    private func emit(_ segment: ParquetSegment, endsFile: Bool) {
        var parts = segment.parts
        guard !parts.isEmpty else { return }
        for index in parts.indices {
            let last = index == parts.count - 1
            segments.append(EncodedSegment(
                bytes: ByteBuffer(bytes: parts[index]), rows: last ? rowsInOpenGroup : 0, endsFile: last && endsFile))
            parts[index] = []
        }
        rowsInOpenGroup = 0
    }

    private var notBegun: ExportError {
        .internal("the Parquet encoder was given rows before the columns' types")
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

    /// One row, cell by cell, straight from the decoder into the column builders.
    private static func write(_ row: Decoder.Row, to writer: inout ParquetFileWriter, decoder: inout Decoder,
                              columns: [ParquetColumn], scratch: inout ByteBuffer) throws(ParquetWriterError) {
        var index = 0
        do {
            try decoder.forEachField(of: row) { value in
                guard index < columns.count else { throw ParquetWriterError.rowShape(expected: columns.count, got: index + 1) }
                try append(value, to: columns[index], writer: &writer, scratch: &scratch)
                index += 1
            }
        } catch let error as ParquetWriterError {
            throw error
        } catch {
            // The decoder's own failure (a malformed cell): not the writer's to describe.
            throw .typeMismatch(column: index < columns.count ? columns[index].name : "#\(index)",
                                expected: "a readable value", got: "\(error)")
        }
        try writer.endRow()
    }

    private static func append(_ value: FieldValue, to column: ParquetColumn, writer: inout ParquetFileWriter,
                               scratch: inout ByteBuffer) throws(ParquetWriterError) {
        switch (column.type, value) {
        case (_, .null):
            try writer.appendNull()
        case (.string, .text(let bytes)), (.string, .decimal(let bytes)), (.string, .json(let bytes)),
             (.json, .text(let bytes)), (.json, .json(let bytes)):
            try append(bytes: bytes, writer: &writer)
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
            let result: Result<Void, ParquetWriterError> = text.withUnsafeReadableBytes { raw in
                Result { () throws(ParquetWriterError) in try writer.append(decimalText: raw) }
            }
            try result.get()
        case (.int64, .integer(let number)), (.timestampMicrosUTC, .timestamp(let number)):
            try writer.append(number)
        case (.boolean, .bool(let flag)):
            try writer.append(flag)
        default:
            throw .typeMismatch(column: column.name, expected: "\(column.type)", got: value.kindName)
        }
    }

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
