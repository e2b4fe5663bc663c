import ExporterCore
import ExporterEngine
import Foundation
import NIOCore
import TestSupport
import Testing

/// `format: parquet` end to end: every entity exported through the engine to moto, downloaded,
/// and read back by pyarrow, DuckDB and fastparquet (scripts/install-parquet-readers.sh), every
/// cell compared with PostgreSQL's own values for the window; the footer's types, codec and
/// statistics against DESIGN §5a and PostgreSQL's min/max/count; the keys, headers and manifest
/// against DESIGN §5. Without the readers the suite is skipped locally and fails under CI.
@Suite(TestServices.needsServices(),
       .enabled(if: ReaderPython.shouldRun, "no Parquet reader venv: run scripts/install-parquet-readers.sh"))
struct ParquetExportTests {
    static let window = ProxiedWindow.window

    static func stem(_ entity: EntityType, day: String = "20", next: String = "21") -> String {
        "exports/test/\(entity.rawValue)/2026/11/\(day)/\(entity.rawValue)_202611\(day)T000000Z_202611\(next)T000000Z"
    }

    /// The codec name pyarrow shows for a connection's `compression`.
    static func codec(_ compression: CompressionSetting) -> String {
        switch compression {
        case .gzip: "GZIP"
        case .zstd: "ZSTD"
        case .none: "UNCOMPRESSED"
        }
    }

    /// A connection of a fresh tenant exporting `entity` as Parquet, seeded by `seed`.
    func connection(_ services: Services, entity: EntityType, compression: CompressionSetting, environment: String = "env",
                    extra: String = "", seed: (String) async throws -> Void) async throws -> TestConnection {
        try await services.newConnection(
            environment: environment,
            syncConfig: { Services.syncConfig(bucket: $0, format: .parquet, compression: compression, entities: [entity], extra: extra) },
            seed: seed)
    }

    /// The manifest lists exactly `objects` with their rows, sizes and hashes, and names the
    /// format, compression, columns and total.
    func expectManifest(_ manifest: [String: Any], entity: EntityType, compression: CompressionSetting,
                        objects: [DownloadedObject], rows: [Int], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(manifest["format"] as? String == "parquet", sourceLocation: sourceLocation)
        #expect(manifest["compression"] as? String == compression.rawValue, sourceLocation: sourceLocation)
        #expect(manifest["entity"] as? String == entity.rawValue, sourceLocation: sourceLocation)
        #expect(manifest["columns"] as? [String] == DesignEntityTable.of(entity).columns, sourceLocation: sourceLocation)
        #expect(manifest["row_count"] as? Int == rows.reduce(0, +), sourceLocation: sourceLocation)
        let listed = manifest["objects"] as? [[String: Any]] ?? []
        #expect(listed.compactMap { $0["key"] as? String } == objects.map(\.key), sourceLocation: sourceLocation)
        #expect(listed.compactMap { $0["rows"] as? Int } == rows, sourceLocation: sourceLocation)
        #expect(listed.compactMap { $0["bytes"] as? Int } == objects.map(\.bytes.readableBytes), sourceLocation: sourceLocation)
        #expect(listed.compactMap { $0["sha256"] as? String } == objects.map { sha256Hex($0.bytes) }, sourceLocation: sourceLocation)
    }

    /// A Parquet object as DESIGN §5 stores it: `.parquet` (never `.gz`/`.zst`), its own
    /// Content-Type and no Content-Encoding, whatever the compression; a framed Parquet file.
    func expectParquetObject(_ object: DownloadedObject, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(object.key.hasSuffix(".parquet"), "\(object.key)", sourceLocation: sourceLocation)
        #expect(object.headers["content-type"] == "application/vnd.apache.parquet", "\(object.headers)", sourceLocation: sourceLocation)
        #expect(object.headers["content-encoding"] == nil, "\(object.headers)", sourceLocation: sourceLocation)
        #expect(object.isParquetFramed, "\(object.key) does not start and end with PAR1", sourceLocation: sourceLocation)
    }

    /// Every entity with every awkward value DESIGN §2's columns can hold, each compression once
    /// per two entities: the one `.parquet` object and its manifest, every cell in each reader
    /// equal to PostgreSQL's, the footer's schema and codec, and statistics equal to
    /// PostgreSQL's min, max and NULL count for the window.
    @Test(arguments: zip(EntityType.inPostgres, [CompressionSetting.gzip, .zstd, .none, .gzip, .zstd, .none]))
    func everyEntityReadsBackAsPostgresHasIt(entity: EntityType, compression: CompressionSetting) async throws {
        try await TestServices.with { services in
            let c = try await connection(services, entity: entity, compression: compression) {
                try await services.seedAwkwardRows(entity, tenant: $0, environment: "env")
            }
            let reports = try await services.parquetEngine().exportWindow(Self.window, connectionID: c.id, entities: nil)
            #expect(reports.count == 1)
            #expect(reports.filter(\.failed).isEmpty, "\(reports)")

            let stem = Self.stem(entity)
            #expect(try await services.s3(bucket: c.bucket).listObjects().sorted() == [stem + "_manifest.json", stem + ".parquet"].sorted())
            let snapshot = try await services.windowSnapshot(entity, tenant: c.tenant, environment: "env", window: Self.window)
            #expect(snapshot.rows.count == AwkwardRows.windowRowCount, "the seed's in-window rows")

            try await withScratchDirectory { directory in
                let object = try await services.download(bucket: c.bucket, key: stem + ".parquet", into: directory)
                expectParquetObject(object)
                let readback = try ParquetReadback.run([snapshot.readbackGroup(name: "window", files: [object.path])], in: directory)
                readback.expectValues(group: "window", equal: snapshot)
                readback.expectFooter(object.path, snapshot: snapshot, codec: Self.codec(compression))
                readback.expectStatistics([object.path], snapshot: snapshot)
                #expect(readback.metadata(object.path)?["created_by"] as? String
                        == "flexprice-exporter version \(Services.parquetTestVersion.version) (build \(Services.parquetTestVersion.build))")

                let manifest = try await services.manifest(bucket: c.bucket, key: stem + "_manifest.json")
                expectManifest(manifest, entity: entity, compression: compression, objects: [object], rows: [snapshot.rows.count])
                let run = try #require(try await services.runs(connection: c.id).first)
                #expect(run.status == "succeeded")
                #expect(run.rowCount == Int64(snapshot.rows.count))
                // bytes_raw for Parquet is the file itself: there is no outer compression.
                #expect(run.bytesRaw == Int64(object.bytes.readableBytes))
                #expect(run.bytesUploaded == Int64(object.bytes.readableBytes))
            }
        }
    }

    /// A window without rows is a valid 0-row Parquet file with the full, typed schema, and a
    /// manifest listing it with 0 rows.
    @Test func anEmptyWindowIsAZeroRowFileWithTheSchema() async throws {
        try await TestServices.with { services in
            let entity = EntityType.invoice
            let c = try await connection(services, entity: entity, compression: .zstd) {
                try await services.seedAwkwardRows(entity, tenant: $0, environment: "env")
            }
            let empty = ExportWindow(start: Self.window.start + 2 * 86_400, end: Self.window.end + 2 * 86_400) // 2026-11-22
            let reports = try await services.parquetEngine().exportWindow(empty, connectionID: c.id, entities: nil)
            #expect(reports.filter(\.failed).isEmpty, "\(reports)")
            let stem = Self.stem(entity, day: "22", next: "23")
            #expect(try await services.s3(bucket: c.bucket).listObjects().sorted() == [stem + "_manifest.json", stem + ".parquet"].sorted())
            let snapshot = try await services.windowSnapshot(entity, tenant: c.tenant, environment: "env", window: empty)
            #expect(snapshot.rows.isEmpty)
            #expect(snapshot.columns.contains { $0.kind == .decimal(precision: 20, scale: 8) }, "typed from the catalog")

            try await withScratchDirectory { directory in
                let object = try await services.download(bucket: c.bucket, key: stem + ".parquet", into: directory)
                expectParquetObject(object)
                let readback = try ParquetReadback.run([snapshot.readbackGroup(name: "empty", files: [object.path])], in: directory)
                readback.expectValues(group: "empty", equal: snapshot)
                readback.expectFooter(object.path, snapshot: snapshot, codec: "ZSTD")
                let metadata = readback.metadata(object.path)
                #expect(readback.integer(metadata?["num_rows"]) == 0)
                let manifest = try await services.manifest(bucket: c.bucket, key: stem + "_manifest.json")
                expectManifest(manifest, entity: entity, compression: .zstd, objects: [object], rows: [0])
            }
        }
    }

    /// A numeric(20,8) NaN and timestamptz ±infinity in the window: those columns, and only
    /// those, are STRING in that window's file, with "NaN", "infinity" and "-infinity" and every
    /// other value as the exact text CSV shows; the window before, without them, stays typed.
    @Test func aWindowHoldingNaNOrInfinityCarriesThoseColumnsAsText() async throws {
        try await TestServices.with { services in
            let entity = EntityType.invoice
            let c = try await connection(services, entity: entity, compression: .gzip) {
                try await services.seedAwkwardRows(entity, tenant: $0, environment: "env")
                try await services.execute("""
                    UPDATE invoices SET amount_due = 'NaN', due_date = 'infinity', paid_at = '-infinity'
                    WHERE id = \($0 + "-03")
                    """)
            }
            let before = ExportWindow(start: Self.window.start - 86_400, end: Self.window.start)
            let engine = services.parquetEngine()
            for window in [Self.window, before] {
                let reports = try await engine.exportWindow(window, connectionID: c.id, entities: nil)
                #expect(reports.filter(\.failed).isEmpty, "\(reports)")
            }
            let special = try await services.windowSnapshot(entity, tenant: c.tenant, environment: "env", window: Self.window)
            let typed = try await services.windowSnapshot(entity, tenant: c.tenant, environment: "env", window: before)
            func kind(_ snapshot: WindowSnapshot, _ column: String) -> SnapshotColumn.Kind? {
                snapshot.columns.first { $0.name == column }?.kind
            }
            #expect(kind(special, "amount_due") == .string)
            #expect(kind(special, "due_date") == .string)
            #expect(kind(special, "paid_at") == .string)
            #expect(kind(special, "amount_paid") == .decimal(precision: 20, scale: 8))
            #expect(kind(special, "voided_at") == .micros)
            #expect(kind(typed, "amount_due") == .decimal(precision: 20, scale: 8))
            #expect(kind(typed, "due_date") == .micros)
            #expect(special.rows.contains { $0.contains("NaN") && $0.contains("infinity") && $0.contains("-infinity") })
            #expect(typed.rows.count == 1)

            try await withScratchDirectory { directory in
                let specialObject = try await services.download(bucket: c.bucket, key: Self.stem(entity) + ".parquet", into: directory)
                let typedObject = try await services.download(bucket: c.bucket, key: Self.stem(entity, day: "19", next: "20") + ".parquet",
                                                              into: directory)
                let readback = try ParquetReadback.run([special.readbackGroup(name: "special", files: [specialObject.path]),
                                                        typed.readbackGroup(name: "typed", files: [typedObject.path])], in: directory)
                for (name, snapshot, object) in [("special", special, specialObject), ("typed", typed, typedObject)] {
                    expectParquetObject(object)
                    readback.expectValues(group: name, equal: snapshot)
                    readback.expectFooter(object.path, snapshot: snapshot, codec: "GZIP")
                    readback.expectStatistics([object.path], snapshot: snapshot)
                }
            }
        }
    }

    /// 40,000 usage rows: with 1 MiB row groups and `max_file_size_mb: 3` the window rolls over
    /// into `_part-NNNN.parquet` files, each a complete file holding several row groups that
    /// every reader opens alone, together exactly the window's rows, each listed in the manifest;
    /// with the default row groups the same window is one file whose long distinct strings pass
    /// the 1 MiB dictionary, so those chunks fall back to PLAIN pages, and still read back equal.
    @Test func aLargeWindowRollsOverIntoCompletePartsAndFallsBackFromTheDictionary() async throws {
        try await TestServices.with { services in
            let entity = EntityType.featureUsage
            let c = try await connection(services, entity: entity, compression: .none, environment: "",
                                         extra: #", "max_file_size_mb": 3"#) {
                try await services.seedLargeUsageWindow(tenant: $0, count: 40_000)
            }
            let single = TestConnection(tenant: c.tenant, environment: "", bucket: uniqueName("bucket"), id: uniqueName("conn"))
            try await services.createBucket(single.bucket)
            try await services.insertConnection(id: single.id, tenant: c.tenant, environment: "",
                                                syncConfig: Services.syncConfig(bucket: single.bucket, format: .parquet, compression: .zstd,
                                                                                entities: [entity]))
            for (connection, engine) in [(c.id, services.parquetEngine(rowGroupMB: 1, batchSize: 3_000)),
                                         (single.id, services.parquetEngine())] {
                let reports = try await engine.exportWindow(Self.window, connectionID: connection, entities: nil)
                #expect(reports.filter(\.failed).isEmpty, "\(reports)")
            }
            let snapshot = try await services.windowSnapshot(entity, tenant: c.tenant, environment: "", window: Self.window)
            #expect(snapshot.rows.count == 40_000)

            let stem = Self.stem(entity)
            let keys = try await services.s3(bucket: c.bucket).listObjects().sorted()
            let partKeys = keys.filter { $0 != stem + "_manifest.json" }
            #expect(partKeys.count >= 2, "\(keys)")
            #expect(partKeys == (1...max(1, partKeys.count)).map { stem + "_part-" + String(format: "%04d", $0) + ".parquet" }, "\(keys)")
            #expect(try await services.s3(bucket: single.bucket).listObjects().sorted() == [stem + "_manifest.json", stem + ".parquet"].sorted())

            try await withScratchDirectory { directory in
                var parts: [DownloadedObject] = []
                for key in partKeys {
                    parts.append(try await services.download(bucket: c.bucket, key: key, into: directory))
                }
                let whole = try await services.download(bucket: single.bucket, key: stem + ".parquet", into: directory)
                let readback = try ParquetReadback.run([snapshot.readbackGroup(name: "parts", files: parts.map(\.path)),
                                                        snapshot.readbackGroup(name: "single", files: [whole.path])], in: directory)
                // The parts, each read alone, hold the window's rows in order; so does the single file.
                readback.expectValues(group: "parts", equal: snapshot)
                readback.expectValues(group: "single", equal: snapshot)
                var rowsPerPart: [Int] = []
                for part in parts {
                    expectParquetObject(part)
                    readback.expectFooter(part.path, snapshot: snapshot, codec: "UNCOMPRESSED")
                    let groups = readback.rowGroups([part.path])
                    #expect(!groups.isEmpty, "\(part.key) has no row group")
                    // Cut at row-group boundaries within max_file_size_mb (a row group may overshoot
                    // its budget by a few rows, and the footer comes on top).
                    #expect(part.bytes.readableBytes <= 3 * 1024 * 1024 + 256 * 1024, "\(part.key): \(part.bytes.readableBytes) bytes")
                    rowsPerPart.append(groups.reduce(0) { $0 + (readback.integer($1["num_rows"]) ?? 0) })
                }
                #expect(rowsPerPart.reduce(0, +) == 40_000)
                let groupCount = readback.rowGroups(parts.map(\.path)).count
                #expect(groupCount > parts.count, "\(groupCount) row groups in \(parts.count) parts: no part holds several")
                readback.expectStatistics(parts.map(\.path), snapshot: snapshot)
                expectManifest(try await services.manifest(bucket: c.bucket, key: stem + "_manifest.json"), entity: entity,
                               compression: .none, objects: parts, rows: rowsPerPart)

                expectParquetObject(whole)
                readback.expectFooter(whole.path, snapshot: snapshot, codec: "ZSTD")
                readback.expectStatistics([whole.path], snapshot: snapshot)
                expectManifest(try await services.manifest(bucket: single.bucket, key: stem + "_manifest.json"), entity: entity,
                               compression: .zstd, objects: [whole], rows: [40_000])
                // The writer falls back by re-encoding the whole chunk as PLAIN (so no reader meets a
                // chunk mixing both): the columns whose distinct values pass the 1 MiB dictionary
                // have no dictionary page and PLAIN data pages only; a low-cardinality string
                // column keeps its dictionary.
                let names = snapshot.columns.map(\.name)
                let chunks = readback.layout(whole.path).first ?? []
                #expect(chunks.count == names.count, "one row group of every column: \(chunks.count) chunks")
                func encoding(_ column: String) -> (dictionary: Bool, dataEncodings: Set<Int>)? {
                    guard let index = names.firstIndex(of: column), let chunk = chunks[safe: index] else { return nil }
                    let stats = chunk["encoding_stats"] as? [[Int]] ?? []
                    return (chunk["dictionary_page_offset"] is NSNumber,
                            Set(stats.filter { $0.first == 0 }.compactMap { $0[safe: 1] }))
                }
                for column in ["properties", "event_name", "unique_hash"] {
                    let found = encoding(column)
                    #expect(found?.dictionary == false && found?.dataEncodings == [0],
                            "\(column): over 1 MiB of distinct values, so PLAIN pages only: \(String(describing: found))")
                }
                let dictionary = encoding("customer_id")
                #expect(dictionary?.dictionary == true && dictionary?.dataEncodings == [8],
                        "customer_id: 97 distinct values, dictionary encoded: \(String(describing: dictionary))")
            }
        }
    }
}
