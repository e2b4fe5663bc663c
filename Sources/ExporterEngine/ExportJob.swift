import ExporterClickHouse
import ExporterCompressor
import ExporterCore
import ExporterEncoder
import ExporterRunHistory
import ExporterSink
import ExporterSource
import Foundation
import ParquetEncoder
import Logging
import NIOCore
import AsyncAlgorithms
import DeltaLake
import Synchronization

/// One export: a connection's entity in one window, through the whole pipeline:
/// source (a ``RowSource``: PostgreSQL's binary COPY or ClickHouse's RowBinary, in batches) ->
/// encoder -> compressor -> sink (S3 upload) -> manifest. Nothing here knows which database the
/// rows come from: the source and its decoder are the only part that does.
///
/// Memory is bounded by two batches of rows (one read, one compressed) plus two upload parts (one
/// filling, one in flight), whatever the window's size.
struct ExportJob {
    let key: RunKey
    let settings: ConnectionSettings
    let source: any RowSource
    let sink: any ObjectSink
    let logger: Logger
    let batchSize: Int
    let files: ExportFileOptions
    /// Where a Delta stream's table state is kept (`table_format: delta`); nil otherwise.
    var history: RunHistory?
    /// Milliseconds since the epoch, for the Delta log's times: a parameter so tests can fix it.
    var deltaNow: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000) }
    /// Told the run's figures after each batch is handed to the upload.
    var onProgress: @Sendable (RunProgress) -> Void = { _ in }

    /// Runs the export and returns its figures; on any failure, what was uploaded is aborted or
    /// deleted and the error is thrown.
    ///
    /// A window is either complete (its manifest present, listing exactly its data objects) or
    /// absent: the old manifest (and Athena symlink list) is deleted before anything is written, a
    /// failure deletes every object under the window's stem and the list, and a success deletes, after the new manifest, the objects
    /// an earlier export left that this one did not write (stale `_part-NNNN` of a larger
    /// export, the plain key after a rollover or the reverse, another format's file).
    func run(runID: Int64) async throws -> RunOutcome {
        // Each source's pipeline is built for its concrete type, so the encoder's and the
        // decoder's calls per row and per cell are specialised and direct. Through the existential
        // they would be generic: a metadata lookup and dynamic access checks on every row
        // (measured at a few percent of an export's CPU).
        switch source {
        case let postgres as EntitySource: return try await run(runID: runID, source: postgres)
        case let clickHouse as ClickHouseSource: return try await run(runID: runID, source: clickHouse)
        default: return try await run(runID: runID, source: source)
        }
    }

    /// The export with the source's concrete type, so its decoder's calls per cell are direct.
    private func run<Source: RowSource>(runID: Int64, source: Source) async throws -> RunOutcome {
        let columns = ExportSelection(key.entity, shape: settings.shape).names
        let decoder = source.makeDecoder()
        let maxFileBytes = settings.maxFileSizeMB * 1024 * 1024
        func text(_ encoder: some RowEncoder) -> some FileEncoder<ByteBuffer> {
            TextFileEncoder(encoder: encoder, decoder: decoder, maxFileBytes: maxFileBytes)
        }
        // One specialised pipeline per format: the encoder's calls per cell are direct.
        if settings.shape == .flexprice {
            let encoder = FlexpriceCSVRowEncoder(columns: columns, styles: Self.flexpriceStyles(key.entity))
            return try await run(runID: runID, source: source, encoder: text(encoder))
        }
        switch settings.format {
        case .csv: return try await run(runID: runID, source: source, encoder: text(CSVRowEncoder(columns: columns)))
        case .json:
            return try await run(runID: runID, source: source, encoder: text(JSONRowEncoder(columns: columns, style: .array)))
        case .ndjson:
            return try await run(runID: runID, source: source, encoder: text(JSONRowEncoder(columns: columns, style: .lines)))
        case .parquet:
            let codec = try ParquetPageCodecs.codec(for: settings.compression, gzipLevel: files.gzipLevel,
                                                    zstdLevel: files.zstdLevel)
            let configuration = ParquetFileEncoder<Source.Decoder>.Configuration(
                codec: codec, rowGroupBytes: files.parquetRowGroupBytes, maxFileBytes: maxFileBytes,
                createdBy: files.parquetCreatedBy)
            return try await run(runID: runID, source: source,
                                 encoder: ParquetFileEncoder(decoder: decoder, configuration: configuration))
        }
    }

    private func run(runID: Int64, source: some RowSource, encoder rows: some FileEncoder<ByteBuffer>) async throws -> RunOutcome {
        let entity = key.entity
        let layout = settings.keyLayout
        let headers = settings.dataContentHeaders
        let attributes = ObjectAttributes(contentType: headers.type, contentEncoding: headers.encoding, of: settings)
        let delta = try deltaTable()
        func dataKey(part: Int?) -> String {
            layout.dataKey(entity: entity, window: key.window, format: settings.format,
                           compression: settings.compression, part: part, run: delta == nil ? nil : runID)
        }

        let stem = layout.stem(entity: entity, window: key.window)
        let manifestKey = layout.manifestKey(entity: entity, window: key.window)
        // This run holds the window's only `running` row, so any multipart upload still open for
        // the window's keys belongs to an earlier attempt that died: abort it, leave no orphan.
        let orphans = try await sink.abortIncompleteUploads(prefix: stem)
        if orphans > 0 {
            logger.warning("aborted multipart uploads left by an earlier attempt", metadata: ["uploads": "\(orphans)"])
        }
        // With `athena_symlinks`, the window's list for Athena, outside the stem's folder.
        let symlinkKey = settings.athenaSymlinks ? layout.athenaSymlinkKey(entity: entity, window: key.window) : nil
        // With Delta, the table's state before anything is written: a log this writer cannot use
        // fails the run before a byte is uploaded, and files a dead run of this window left
        // before its commit are deleted.
        var snapshot = DeltaSnapshot()
        if let delta {
            // The window's files only: what its commit replaces and its clean-up may delete.
            snapshot = try await delta.snapshot(files: .under(delta.windowPrefix(stem: stem)))
            try await delta.removeOrphans(windowPrefix: delta.windowPrefix(stem: stem), keeping: snapshot, runID: runID)
        } else {
            // The window is absent from here until the new manifest lands: an old manifest must never
            // stand beside new parts, or list parts this run is about to overwrite. The same holds for
            // an old symlink list (Athena would read parts mid-rewrite, or a renamed plain key).
            // (A Delta stream's files are never overwritten: its old manifest stays true until the
            // new commit, and is replaced after it.)
            try await sink.delete(key: manifestKey)
            if let symlinkKey { try await sink.delete(key: symlinkKey) }
        }
        let sourceColumns = SourceColumnsSeen()
        var deltaVersion: Int64?

        let writer = FileWriter(
            sink: sink, attributes: attributes, dataKey: { dataKey(part: $0) },
            compressor: try makeCompressor())
        let query = EntityQuery(entity: entity, tenantID: key.tenantID, environmentID: key.environmentID, window: key.window,
                                runID: runID, shape: settings.shape)

        // Two stages that overlap: this task's child reads and encodes batch N+1 (on the database
        // connection's thread, or as ClickHouse's response arrives) while this task compresses and uploads batch N. The channel holds no
        // batch of its own: `send` waits for the writer, which is the back-pressure.
        let batches = AsyncThrowingChannel<(segments: [EncodedSegment], bytesRead: Int64), any Error>()
        let clock = ContinuousClock()
        let started = clock.now
        var progress = RunProgress()
        let files: [FileWriter.File]
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [source, batchSize] in
                    do {
                        try await source.read(query, batchSize: batchSize, probeSpecialValues: rows.needsSourceColumns,
                                              onColumns: { columns in
                                                  sourceColumns.columns.withLock { $0 = columns }
                                                  try rows.begin(columns: columns)
                                              },
                                              onRow: { row in try rows.consume(row) },
                                              afterBatch: { _, bytesRead in
                                                  await batches.send((rows.takeSegments(), bytesRead))
                                                  try Task.checkCancellation()
                                              })
                        await batches.send((try rows.finish(), -1))
                        batches.finish()
                    } catch {
                        batches.fail(error)
                    }
                }
                for try await var batch in batches {
                    try await writer.consume(&batch.segments)
                    progress.rows = writer.rowsWritten
                    if batch.bytesRead >= 0 { progress.bytesRead = batch.bytesRead }
                    progress.bytesUploaded = writer.bytesUploaded
                    progress.elapsed = clock.now - started
                    onProgress(progress)
                }
                try await writer.closeFile()
            }
            files = writer.files
            if let delta {
                deltaVersion = try await delta.commit(
                    deltaCommit(files: files, root: delta.root, windowPrefix: delta.windowPrefix(stem: stem), runID: runID,
                                columns: sourceColumns.columns.withLock { $0 }),
                    on: &snapshot)
            }
            let manifest = ExportManifest(
                runID: runID, connectionID: key.connectionID, tenantID: key.tenantID, environmentID: key.environmentID,
                entity: entity.rawValue,
                window: .init(start: Timestamp.rfc3339(seconds: key.window.start), end: Timestamp.rfc3339(seconds: key.window.end)),
                format: settings.format.rawValue, compression: settings.compression.rawValue, columns: query.selection.names,
                rowCount: rows.totalRows,
                objects: files.map { .init($0.stored, rows: $0.rows) })
            if let symlinkKey {
                // Before the manifest, so the manifest stays the last object and marks the
                // window complete, its list included.
                let list = AthenaSymlinkList(bucket: settings.bucket, keys: files.map(\.stored.key))
                _ = try await sink.put(key: symlinkKey, body: ByteBuffer(string: list.text),
                                       attributes: ObjectAttributes(contentType: AthenaSymlinkList.contentType, of: settings))
            }
            let manifestBody = ByteBuffer(bytes: try manifest.encoded())
            _ = try await sink.put(key: manifestKey, body: manifestBody,
                                   attributes: ObjectAttributes(contentType: "application/json", of: settings))
        } catch {
            await writer.abort()
            if delta != nil {
                // Committed files are the table's: a failure after the commit deletes nothing (the
                // window is in the table; the retry replaces it in a commit of its own). Before
                // it, only this run's own files go; the old manifest and files stay true.
                if deltaVersion == nil {
                    await WindowCleanup(sink: sink, stem: stem, logger: logger).removeWritten(writer.writtenKeys, uploadsPrefix: stem + "_run-\(runID)", after: error)
                }
            } else {
                await WindowCleanup(sink: sink, stem: stem, logger: logger)
                    .removeAll(manifestKey: manifestKey, symlinkKey: symlinkKey, written: writer.writtenKeys, after: error)
            }
            throw error
        }
        if delta == nil {
            await WindowCleanup(sink: sink, stem: stem, logger: logger)
                .removeStale(keeping: Set(files.map(\.stored.key) + [manifestKey]))
        }
        let first = files[0].stored
        return RunOutcome(
            rowCount: rows.totalRows, bytesRaw: writer.bytesRaw,
            bytesUploaded: files.reduce(0) { $0 + $1.stored.bytes }, objectCount: files.count,
            manifestKey: manifestKey, objectURL: first.url, sha256: first.sha256, bytesRead: progress.bytesRead,
            objectKey: first.key, deltaVersion: deltaVersion)
    }

    // MARK: Delta

    /// The stream's Delta table, when the connection asks for one.
    func deltaTable() throws -> DeltaTableWriter? {
        guard settings.isDelta else { return nil }
        guard let history else { throw ExportError.internal("a Delta stream was exported without its run history") }
        let root = settings.keyLayout.tableRoot(entity: key.entity)
        let record = DeltaTableRecord(endpoint: settings.endpointURL, bucket: settings.bucket, root: root, stream: key.stream)
        var writer = DeltaTableWriter(sink: sink, history: history, table: record, root: root, logger: logger)
        writer.now = deltaNow
        writer.createdBy = files.parquetCreatedBy
        writer.storage = ObjectAttributes(contentType: "application/json", of: settings)
        writer.checkpointCodec = try ParquetPageCodecs.codec(for: settings.compression, gzipLevel: files.gzipLevel,
                                                            zstdLevel: files.zstdLevel)
        return writer
    }

    /// The commit of this window: its files and rows, the stream's `txn` (appId per stream,
    /// version the run id, which only grows), and `commitInfo` naming the run and window.
    func deltaCommit(files: [FileWriter.File], root: String, windowPrefix: String, runID: Int64,
                     columns: [SourceColumn]) -> DeltaWindowCommit {
        let now = deltaNow()
        let adds = files.map { file in
            DeltaAdd(path: String(file.stored.key.dropFirst(root.count)), size: file.stored.bytes, modificationTime: now,
                     dataChange: true, stats: file.statistics)
        }
        let start = Timestamp.rfc3339(seconds: key.window.start), end = Timestamp.rfc3339(seconds: key.window.end)
        return DeltaWindowCommit(
            files: adds, windowPrefix: windowPrefix,
            schema: DeltaSchema(columns: ParquetSchemaMapping.parquetColumns(for: columns)),
            rows: files.reduce(0) { $0 + $1.rows },
            transaction: DeltaTransaction(appId: Self.deltaAppID(key.stream), version: runID, lastUpdated: now),
            commitInfo: DeltaCommitInfo(
                timestamp: now, operation: "WRITE", operationParameters: ["window": "\(start)/\(end)"],
                engineInfo: files.isEmpty ? nil : self.files.parquetCreatedBy, runId: runID,
                connectionId: key.connectionID, entity: key.entity.rawValue, windowStart: start, windowEnd: end))
    }

    /// The `txn` application id of a stream: one per connection and entity (and scheduled task).
    static func deltaAppID(_ stream: ExportStream) -> String {
        "flexprice-exporter/\(stream.connectionID)/\(stream.entity.rawValue)" + (stream.scheduledTaskID.map { "/task/\($0)" } ?? "")
    }
}

extension ExportJob {
    /// How FlexPrice's exporter writes the columns it does not read as plain strings: invoice
    /// `total_tax`/`total_discount` (NULL is 0) and `metadata` (a Go map: NULL is `null`), usage
    /// `properties` (JSON text unmarshalled into a map).
    static func flexpriceStyles(_ entity: EntityType) -> [String: FlexpriceCSVRowEncoder.ColumnStyle] {
        switch entity {
        case .invoice: ["total_discount": .zeroWhenNull, "total_tax": .zeroWhenNull, "metadata": .json]
        case .meterUsage, .featureUsage, .events: ["properties": .jsonObject]
        case .customer, .price, .subscription, .creditNote, .creditTopups: [:]
        }
    }

    /// What wraps the whole file for the connection's `compression`, at the daemon's level for
    /// it; nothing for `none`, nor for Parquet, whose pages are compressed inside the file.
    func makeCompressor() throws -> (any Compressor)? {
        guard settings.format.compressesWholeFile else { return nil }
        switch settings.compression {
        case .gzip: return try GzipCompressor(level: files.gzipLevel)
        case .zstd: return try ZstdCompressor(level: files.zstdLevel)
        case .none: return nil
        }
    }
}

/// The writing stage of an export: compresses the encoded segments into the current object and
/// uploads it, rolling over into numbered part files (DESIGN §5) where the encoder cut them.
/// Owned by the export task alone.
/// The columns the source declared, as the reading stage saw them: a Delta commit's schema.
final class SourceColumnsSeen: Sendable {
    let columns = Mutex<[SourceColumn]>([])
}

final class FileWriter {
    /// A data object of this export.
    struct File {
        var rows: Int64
        var stored: StoredObject
        /// The file's per-column statistics as a Delta `add` carries them (Parquet only).
        var statistics: String?
    }

    private let sink: any ObjectSink
    private let attributes: ObjectAttributes
    private let dataKey: (Int?) -> String
    /// Nil when the encoded bytes are stored as they are (they then go straight to the upload).
    private var compressor: (any Compressor)?
    private var upload: any ObjectUpload
    private var compressed = ByteBuffer()
    private var rowsInFile: Int64 = 0
    /// The open file's statistics, once its encoder has handed them (with its last segment).
    private var statisticsOfFile: FileStatistics?
    private(set) var files: [File] = []
    private(set) var bytesRaw: Int64 = 0
    /// Bytes handed to the uploads so far, as stored (compressed).
    private(set) var bytesUploaded: Int64 = 0
    /// Rows in the files written so far, the open one included.
    var rowsWritten: Int64 { files.reduce(rowsInFile) { $0 + $1.rows } }
    /// Every key this export made visible, renamed ones included: what a failure must delete.
    private(set) var writtenKeys: [String] = []

    init(sink: any ObjectSink, attributes: ObjectAttributes, dataKey: @escaping (Int?) -> String,
         compressor: (any Compressor)?) {
        self.sink = sink
        self.attributes = attributes
        self.dataKey = dataKey
        self.compressor = compressor
        upload = sink.makeUpload(key: dataKey(nil), attributes: attributes)
    }

    /// Writes `segments` and empties the array as it goes: each segment's bytes are released as
    /// soon as they are in the upload, not when the whole batch is.
    func consume(_ segments: inout [EncodedSegment]) async throws {
        segments.reverse()
        while var segment = segments.popLast() {
            bytesRaw += Int64(segment.bytes.readableBytes)
            rowsInFile += Int64(segment.rows)
            if let statistics = segment.statistics { statisticsOfFile = statistics }
            if compressor != nil {
                try await compressor?.compress(&segment.bytes, into: &compressed)
                bytesUploaded += Int64(compressed.readableBytes)
                try await upload.write(&compressed)
                // Reuse the buffer's storage for the next segment instead of growing it.
                compressed.clear()
            } else {
                bytesUploaded += Int64(segment.bytes.readableBytes)
                try await upload.write(&segment.bytes)
            }
            guard segment.endsFile else { continue }
            try await closeFile()
            if files.count == 1 {
                // The first rollover: the export has several files after all, so the first
                // one moves to its numbered name (DESIGN §5 `_part-0001`).
                let plain = files[0].stored
                files[0].stored = try await sink.copy(plain, to: dataKey(1), attributes: attributes)
                writtenKeys.append(files[0].stored.key)
                try await sink.delete(key: plain.key)
            }
            upload = sink.makeUpload(key: dataKey(files.count + 1), attributes: attributes)
        }
    }

    func closeFile() async throws {
        if compressor != nil {
            try await compressor?.finish(into: &compressed)
            bytesUploaded += Int64(compressed.readableBytes)
            try await upload.write(&compressed)
            compressed.clear()
        }
        let stored = try await upload.finish()
        files.append(File(rows: rowsInFile, stored: stored, statistics: statisticsOfFile?.deltaJSON))
        writtenKeys.append(stored.key)
        rowsInFile = 0
        statisticsOfFile = nil
    }

    /// Discards the object being written (no partial object, no pending multipart upload).
    func abort() async {
        await upload.abort()
    }
}
