import CompressNIO
import Dispatch
import Synchronization
import ExporterCore
import ExporterEncoder
import NIOCore
import ParquetEncoder
import ParquetWriter
import TestSupport
import Testing

/// The encoder's own contract: segments, rows per file, rollover only between row groups,
/// and failures reported as `encoding` errors that name the column.
struct ParquetFileEncoderTests {
    static let columns = [
        SourceColumn(name: "id", type: .text),
        SourceColumn(name: "n", type: .integer),
        SourceColumn(name: "at", type: .timestamp),
        SourceColumn(name: "amount", type: .numeric(precision: 20, scale: 8)),
        SourceColumn(name: "flag", type: .boolean),
    ]

    func encoder(rowGroupBytes: Int = 16 << 20, maxFileBytes: Int = 100 << 20,
                 codec: any PageCodec = UncompressedPageCodec()) -> ParquetFileEncoder<ArrayFieldDecoder> {
        ParquetFileEncoder(decoder: ArrayFieldDecoder(), configuration: .init(
            codec: codec, rowGroupBytes: rowGroupBytes, maxFileBytes: maxFileBytes,
            createdBy: "flexprice-exporter version 0.1.0 (build test)"))
    }

    func row(_ i: Int) -> [TestCell] {
        [.text("row-\(i)-" + String(repeating: "x", count: i % 50)), .integer(Int64(i)),
         .timestamp(micros: Int64(i) * 1_000_000), .decimal("\(i).12345678"), .bool(i % 2 == 0)]
    }

    /// The files the segments make: split at `endsFile`, with their row counts.
    func files(_ segments: [EncodedSegment]) -> [(bytes: [UInt8], rows: Int)] {
        var files: [(bytes: [UInt8], rows: Int)] = [([], 0)]
        for segment in segments {
            files[files.count - 1].bytes += Array(segment.bytes.readableBytesView)
            files[files.count - 1].rows += segment.rows
            if segment.endsFile { files.append(([], 0)) }
        }
        return files
    }

    @Test func oneFileWhenItFits() throws {
        let encoder = encoder()
        #expect(encoder.needsSourceColumns)
        try encoder.begin(columns: Self.columns)
        var segments: [EncodedSegment] = []
        for i in 0..<1_000 {
            try encoder.consume(row(i))
            segments += encoder.takeSegments()
        }
        #expect(segments.isEmpty, "one row group, handed out only at the end")
        segments += try encoder.finish()
        let out = files(segments)
        #expect(out.count == 1)
        #expect(out[0].rows == 1_000)
        #expect(encoder.totalRows == 1_000)
        #expect(Array(out[0].bytes.prefix(4)) == ParquetFileWriter.magic)
        #expect(Array(out[0].bytes.suffix(4)) == ParquetFileWriter.magic)
    }

    @Test func rollsOverOnlyBetweenRowGroupsAndEachFileIsWhole() throws {
        // Row groups of about 16 KiB, files of at most 64 KiB: a file ends once another group
        // could pass the limit, so each file holds three or four groups.
        let encoder = encoder(rowGroupBytes: 16 << 10, maxFileBytes: 64 << 10)
        try encoder.begin(columns: Self.columns)
        var segments: [EncodedSegment] = []
        for i in 0..<20_000 {
            try encoder.consume(row(i))
            segments += encoder.takeSegments()
        }
        segments += try encoder.finish()
        let out = files(segments)
        #expect(out.count > 3)
        #expect(out.reduce(0) { $0 + $1.rows } == 20_000)
        for (index, file) in out.enumerated() {
            #expect(Array(file.bytes.prefix(4)) == ParquetFileWriter.magic, "file \(index)")
            #expect(Array(file.bytes.suffix(4)) == ParquetFileWriter.magic, "file \(index)")
            #expect(file.rows > 0, "file \(index) has no rows")
            // Budget checks every 64 rows and a footer: a little over the limit at most.
            #expect(file.bytes.count < (64 << 10) + 8_192, "file \(index) is \(file.bytes.count) bytes")
        }
    }

    @Test func aRowGroupNeverOutgrowsTheFileLimit() throws {
        // A file limit below the row group size: the groups shrink to the file limit.
        let encoder = encoder(rowGroupBytes: 1 << 20, maxFileBytes: 32 << 10)
        try encoder.begin(columns: Self.columns)
        var segments: [EncodedSegment] = []
        for i in 0..<5_000 {
            try encoder.consume(row(i))
            segments += encoder.takeSegments()
        }
        segments += try encoder.finish()
        let out = files(segments)
        #expect(out.count > 2)
        for file in out { #expect(file.bytes.count < (32 << 10) + 8_192) }
    }

    @Test func anEmptyExportIsOneValidFile() throws {
        let encoder = encoder()
        try encoder.begin(columns: Self.columns)
        let out = files(try encoder.finish())
        #expect(out.count == 1)
        #expect(out[0].rows == 0)
        #expect(Array(out[0].bytes.prefix(4)) == ParquetFileWriter.magic)
        #expect(Array(out[0].bytes.suffix(4)) == ParquetFileWriter.magic)
    }

    @Test func aValueTheColumnCannotHoldIsAnEncodingErrorNamingTheColumn() throws {
        let encoder = encoder()
        try encoder.begin(columns: Self.columns)
        var bad = row(1)
        bad[3] = .decimal("NaN")
        #expect {
            try encoder.consume(bad)
        } throws: { error in
            guard case .encoding(let message) = error as? ExportError else { return false }
            return message.contains("amount") && message.contains("DECIMAL(20,8)")
        }
        // That row stopped halfway: the encoder takes no more rows.
        #expect(throws: ExportError.internal("the Parquet encoder was used after a row failed")) {
            try encoder.consume(row(2))
        }
        let wrongKind = self.encoder()
        try wrongKind.begin(columns: Self.columns)
        var mismatched = row(2)
        mismatched[1] = .text("7")
        #expect {
            try wrongKind.consume(mismatched)
        } throws: { error in
            guard case .encoding(let message) = error as? ExportError else { return false }
            return message.contains("column n")
        }
    }

    @Test func rowsBeforeTheColumnsAreARefusal() {
        #expect(throws: ExportError.self) { try encoder().consume(row(0)) }
    }

    @Test func gzipPagesAreGzipMembersOfThePage() throws {
        let page = Array(String(repeating: "flexprice parquet page ", count: 400).utf8)
        let codec = try GzipPageCodec(level: 6)
        #expect(codec.codec == .gzip)
        let compressed = try codec.compress(page)
        // RFC 1952 member header: ID1 ID2 CM=8, no flags, MTIME 0, then XFL and OS = 3 (Unix).
        #expect(Array(compressed.prefix(8)) == [0x1F, 0x8B, 8, 0, 0, 0, 0, 0])
        #expect(compressed[9] == 3)
        var buffer = ByteBuffer(bytes: compressed)
        #expect(Array(try buffer.decompress(with: .gzip).readableBytesView) == page)
        #expect(try codec.compress(page) == compressed, "the same page compresses to the same bytes")
        #expect(throws: (any Error).self) { try GzipPageCodec(level: 10) }
    }

    @Test func zstdPagesAreOneFrameEach() throws {
        let codec = try ZstdPageCodec(level: 3)
        #expect(codec.codec == .zstd)
        for text in ["first page ", "second, different page "] {
            let page = Array(String(repeating: text, count: 300).utf8)
            let compressed = try codec.compress(page)
            #expect(Array(compressed.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
            #expect(try ZstdTool.decompress(ByteBuffer(bytes: compressed)) == page)
        }
        #expect(throws: (any Error).self) { try ZstdPageCodec(level: 20) }
    }

    @Test func compressionNamesThePageCodec() throws {
        #expect(try ParquetPageCodecs.codec(for: .gzip, gzipLevel: 6, zstdLevel: 3).codec == .gzip)
        #expect(try ParquetPageCodecs.codec(for: .zstd, gzipLevel: 6, zstdLevel: 3).codec == .zstd)
        #expect(try ParquetPageCodecs.codec(for: .none, gzipLevel: 6, zstdLevel: 3).codec == .uncompressed)
    }
}

/// Pages of one row group are compressed on several threads at once.
struct ConcurrentPageCodecTests {
    @Test(arguments: ["gzip", "zstd"])
    func pagesCompressedAtOnceMatchPagesCompressedAlone(codecName: String) throws {
        let codec: any PageCodec = codecName == "gzip" ? try GzipPageCodec(level: 6) : try ZstdPageCodec(level: 3)
        let pages = (0..<64).map { i in Array(String(repeating: "page \(i) of a row group ", count: 200 + i).utf8) }
        let alone = try pages.map { try codec.compress($0) }
        let results = ConcurrentResults(count: pages.count)
        DispatchQueue.concurrentPerform(iterations: pages.count) { i in
            results.set(i, Result { try codec.compress(pages[i]) })
        }
        for i in pages.indices {
            #expect(try results.get(i) == alone[i], "page \(i)")
        }
    }
}

/// Results written by concurrentPerform's threads, read afterwards.
private final class ConcurrentResults: Sendable {
    private let slots: Mutex<[Result<[UInt8], any Error>?]>
    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
    func set(_ index: Int, _ result: Result<[UInt8], any Error>) { slots.withLock { $0[index] = result } }
    func get(_ index: Int) throws -> [UInt8] {
        guard let result = slots.withLock({ $0[index] }) else { throw ExportError.internal("page \(index) missing") }
        return try result.get()
    }
}
