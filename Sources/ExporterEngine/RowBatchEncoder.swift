import ExporterCore
import ExporterEncoder
import ExporterSource
import NIOCore
import PostgresNIO

/// Encodes the rows of one FETCH on the database connection's event loop, where PostgresNIO
/// delivers them, into one buffer per batch, and cuts that output into files at row boundaries
/// when a file would exceed its size limit (`max_file_size_mb`).
///
/// The limit applies to the uncompressed bytes of a file, which a reader has to handle after
/// gunzip; the stored (gzipped) object is never larger than that. A single row larger than the
/// limit gets a file of its own: an export never fails for size.
///
/// Concurrency: `consume` runs on the event loop during a FETCH; `takeSegments`/`finish` run in
/// the export task after that FETCH's future has completed. The future's completion orders the
/// two, so the state is never touched from two threads at once (hence `@unchecked Sendable`).
final class RowBatchEncoder: @unchecked Sendable {
    /// A piece of a file's uncompressed bytes. `endsFile` marks the last piece of a file that is
    /// followed by another (a rollover).
    struct Segment: Sendable {
        var bytes: ByteBuffer
        var rows: Int
        var endsFile: Bool
    }

    private var encoder: any RowEncoder
    private var decoder = PostgresFieldDecoder()
    private let maxFileBytes: Int
    private var buffer = ByteBuffer()
    private var segments: [Segment] = []
    private var rowsInSegment = 0
    private var rowsInFile = 0
    /// Uncompressed bytes of the current file before `buffer`'s current segment.
    private var fileBytesBeforeSegment = 0
    private var segmentStart = 0
    /// Set when a batch's segments have been handed out: the buffer is cleared when the next
    /// batch's first row arrives. The writer may still be compressing those segments (they
    /// share the buffer's storage), in which case ByteBuffer copies on write into new storage.
    private var clearBeforeNextRow = false
    private(set) var totalRows: Int64 = 0

    init(encoder: any RowEncoder, maxFileBytes: Int) {
        self.encoder = encoder
        self.maxFileBytes = maxFileBytes
        buffer.reserveCapacity(1 << 20)
        self.encoder.startFile(into: &buffer)
    }

    /// Encodes one row. Called on the event loop.
    func consume(_ row: PostgresRow) throws {
        if clearBeforeNextRow {
            buffer.clear()
            segmentStart = 0
            clearBeforeNextRow = false
        }
        let rowStart = buffer.writerIndex
        try encode(row)
        let fileBytes = fileBytesBeforeSegment + (buffer.writerIndex - segmentStart)
        if fileBytes > maxFileBytes, rowsInFile > 0 {
            // Roll over: drop the row, close this file, and encode the row again as the first
            // of the next file. Rare (once per file), so encoding one row twice costs nothing.
            buffer.moveWriterIndex(to: rowStart)
            encoder.finishFile(into: &buffer)
            closeSegment(endsFile: true)
            rowsInFile = 0
            encoder.startFile(into: &buffer)
            try encode(row)
        }
        totalRows += 1
        rowsInFile += 1
        rowsInSegment += 1
    }

    private func encode(_ row: PostgresRow) throws {
        encoder.beginRow(into: &buffer)
        for cell in row {
            let value: FieldValue
            do {
                value = try decoder.decode(cell)
            } catch let error as PostgresFieldDecoder.UnsupportedValue {
                throw ExportError.database("\(error)")
            }
            encoder.writeField(value, into: &buffer)
        }
        encoder.endRow(into: &buffer)
    }

    private func closeSegment(endsFile: Bool) {
        guard let bytes = buffer.getSlice(at: segmentStart, length: buffer.writerIndex - segmentStart) else { return }
        segments.append(Segment(bytes: bytes, rows: rowsInSegment, endsFile: endsFile))
        fileBytesBeforeSegment = endsFile ? 0 : fileBytesBeforeSegment + bytes.readableBytes
        rowsInSegment = 0
        segmentStart = buffer.writerIndex
    }

    /// The output of the batch that just ended. Called in the export task.
    func takeSegments() -> [Segment] {
        closeSegment(endsFile: false)
        let result = segments
        segments = []
        clearBeforeNextRow = true
        return result
    }

    /// Closes the last file. Called in the export task after the last batch.
    func finish() -> [Segment] {
        encoder.finishFile(into: &buffer)
        return takeSegments()
    }
}
