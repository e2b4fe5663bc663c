import ExporterCore
import NIOCore

/// The ``FileEncoder`` of the text formats (CSV, JSON, NDJSON): encodes the rows of one batch,
/// as the source delivers them, into one buffer per batch, and cuts that output into files at
/// row boundaries when a file would exceed its size limit (`max_file_size_mb`).
///
/// The limit applies to the uncompressed bytes of a file, which a reader has to handle after
/// gunzip; the stored (gzipped) object is never larger than that. A single row larger than the
/// limit gets a file of its own: an export never fails for size.
///
/// Generic over the row encoder and the decoder, so each row's cells go through specialised,
/// direct calls; each row
/// is written through one ``RawByteWriter``, and the class's state is two stored properties,
/// so a row costs a few dynamic exclusivity checks instead of several per cell (measured at
/// about a sixth of an export's CPU before).
///
/// Concurrency: see ``FileEncoder``; the ordering it describes is why this class is
/// `@unchecked Sendable`.
public final class TextFileEncoder<Encoder: RowEncoder, Decoder: FieldDecoding>: FileEncoder, @unchecked Sendable {
    private var output: Output
    private var codec: RowCodec

    public init(encoder: Encoder, decoder: Decoder, maxFileBytes: Int) {
        codec = RowCodec(encoder: encoder, decoder: decoder)
        output = Output(maxFileBytes: maxFileBytes)
        output.write { codec.encoder.startFile(into: &$0) }
    }

    public var totalRows: Int64 { output.totalRows }

    public func begin(columns: [SourceColumn]) throws {
        try codec.decoder.prepare(columns: columns)
    }

    public func consume(_ row: Decoder.Row) throws {
        try output.consume(row, codec: &codec)
    }

    public func takeSegments() -> [EncodedSegment] {
        output.takeSegments()
    }

    public func finish() -> [EncodedSegment] {
        output.write { codec.encoder.finishFile(into: &$0) }
        return output.takeSegments()
    }

    /// Turns one row's cells into the encoder's bytes.
    private struct RowCodec {
        var encoder: Encoder
        var decoder: Decoder

        mutating func encode(_ row: Decoder.Row, into out: inout RawByteWriter) throws {
            try Self.encode(row, encoder: &encoder, decoder: &decoder, into: &out)
        }

        /// Static, so the closure reaches the encoder and the decoder as two separate variables
        /// (a closure over `self` would be an overlapping access to it).
        private static func encode(_ row: Decoder.Row, encoder: inout Encoder, decoder: inout Decoder,
                                   into out: inout RawByteWriter) throws {
            encoder.beginRow(into: &out)
            try decoder.forEachField(of: row) { value in
                encoder.writeField(value, into: &out)
            }
            encoder.endRow(into: &out)
        }
    }

    /// The encoded bytes of the current batch, cut into segments at file boundaries.
    private struct Output {
        let maxFileBytes: Int
        var buffer = ByteBuffer()
        var segments: [EncodedSegment] = []
        var rowsInSegment = 0
        var rowsInFile = 0
        /// Uncompressed bytes of the current file before `buffer`'s current segment.
        var fileBytesBeforeSegment = 0
        var segmentStart = 0
        /// Set when a batch's segments have been handed out: the buffer is cleared when the next
        /// batch's first row arrives. The writer may still be compressing those segments (they
        /// share the buffer's storage), in which case ByteBuffer copies on write into new storage.
        /// (Alternating two buffers instead saved about 4% of the event loop's time in page
        /// faults but kept a second batch resident: 1.5 MiB more peak RSS, over issue 6's budget.)
        var clearBeforeNextRow = false
        var totalRows: Int64 = 0

        init(maxFileBytes: Int) {
            self.maxFileBytes = maxFileBytes
            buffer.reserveCapacity(1 << 20)
        }

        /// Output with no encoder state to undo (a file's header or footer).
        mutating func write(_ body: (inout RawByteWriter) -> Void) {
            buffer.writeWithRawByteWriter(body)
        }

        mutating func consume(_ row: Decoder.Row, codec: inout RowCodec) throws {
            if clearBeforeNextRow {
                buffer.clear()
                segmentStart = 0
                clearBeforeNextRow = false
            }
            let rowStart = buffer.writerIndex
            try encode(row, codec: &codec)
            let fileBytes = fileBytesBeforeSegment + (buffer.writerIndex - segmentStart)
            if fileBytes > maxFileBytes, rowsInFile > 0 {
                // Roll over: drop the row, close this file, and encode the row again as the first
                // of the next file. Rare (once per file), so encoding one row twice costs nothing.
                buffer.moveWriterIndex(to: rowStart)
                write { codec.encoder.finishFile(into: &$0) }
                closeSegment(endsFile: true)
                rowsInFile = 0
                write { codec.encoder.startFile(into: &$0) }
                try encode(row, codec: &codec)
            }
            totalRows += 1
            rowsInFile += 1
            rowsInSegment += 1
        }

        /// Writes one row into space reserved for it; a row that does not fit is written again
        /// into four times the space, from the encoder's state before the row.
        private mutating func encode(_ row: Decoder.Row, codec: inout RowCodec) throws {
            var reserve = 16 * 1024
            while true {
                let before = codec.encoder
                if try buffer.writeWithRawByteWriter(reserving: reserve, { try codec.encode(row, into: &$0) }) { return }
                codec.encoder = before
                reserve *= 4
            }
        }

        private mutating func closeSegment(endsFile: Bool) {
            guard let bytes = buffer.getSlice(at: segmentStart, length: buffer.writerIndex - segmentStart) else { return }
            segments.append(EncodedSegment(bytes: bytes, rows: rowsInSegment, endsFile: endsFile))
            fileBytesBeforeSegment = endsFile ? 0 : fileBytesBeforeSegment + bytes.readableBytes
            rowsInSegment = 0
            segmentStart = buffer.writerIndex
        }

        mutating func takeSegments() -> [EncodedSegment] {
            closeSegment(endsFile: false)
            let result = segments
            segments = []
            clearBeforeNextRow = true
            return result
        }
    }
}
