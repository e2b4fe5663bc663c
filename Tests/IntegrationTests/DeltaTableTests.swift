import DeltaLake
import ExporterCore
import ExporterEngine
import ExporterSink
import Foundation
import NIOCore
import TestSupport
import Testing

/// `table_format: delta` end to end on moto: windows become commits of one Delta table that
/// delta-rs, DuckDB (`delta_scan`) and Polars read back as exactly PostgreSQL's rows, each window
/// once: through a backfill long enough for a checkpoint, a re-export (time travel shows the rows
/// before it), a run that died between its data and its commit, a writer that takes the next
/// version first, a commit whose answer was lost, and vacuum.
@Suite(TestServices.needsServices(),
       .enabled(if: ReaderPython.shouldRun, "no reader venv: run scripts/install-parquet-readers.sh"))
struct DeltaTableTests {
    /// 2026-11-01T00:00:00Z, the first window.
    static let first: Int64 = 1_793_491_200
    static let day: Int64 = 86_400
    static let root = "exports/test/feature_usage/"
    static let logPrefix = root + "_delta_log/"

    static func config(_ bucket: String, format: ExportFormat = .parquet, endpoint: String? = TestServices.s3Endpoint) -> String {
        Services.syncConfig(bucket: bucket, format: format, compression: .zstd, entities: [.featureUsage],
                            extra: #", "table_format": "delta""#, endpoint: endpoint)
    }

    /// A connection with `days` days of usage, `perDay` rows a day, exporting to `endpoint`.
    static func connection(_ services: Services, days: Int, perDay: Int = 6,
                           endpoint: String? = TestServices.s3Endpoint) async throws -> TestConnection {
        try await services.newConnection(syncConfig: { config($0, endpoint: endpoint) }, seed: { tenant in
            try await services.seedUsage(tenant: tenant, rows: days * perDay, from: first, every: day / Int64(perDay))
        })
    }

    /// delta-rs, DuckDB and Polars each return exactly PostgreSQL's `count` rows of the tenant.
    static func expectReadersReturnPostgresRows(_ services: Services, _ c: TestConnection, count: Int,
                                                sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withScratchDirectory { directory in
            let read = try read(try await download(services, bucket: c.bucket, into: directory), in: directory)
            let expected = try await postgresRows(services, tenant: c.tenant)
            #expect(expected.count == count, sourceLocation: sourceLocation)
            for reader in ["deltalake", "duckdb", "polars"] {
                #expect(rows(read[reader] as? [String: Any]) == expected, "\(reader)", sourceLocation: sourceLocation)
            }
        }
    }

    static func appID(_ connection: TestConnection) -> String { "flexprice-exporter/\(connection.id)/feature_usage" }

    /// PostgreSQL's rows of the tenant as the readers print them: `id|epoch micros|qty`.
    static func postgresRows(_ services: Services, tenant: String, from: Int64 = 0, to: Int64 = .max) async throws -> [String] {
        try await services.postgres.query("""
            SELECT id, (extract(epoch FROM "timestamp") * 1000000)::bigint, trim_scale(qty_total)::text FROM feature_usage
            WHERE tenant_id = \(tenant) AND "timestamp" >= to_timestamp(\(from)) AND "timestamp" < to_timestamp(\(min(to, 4_102_444_800)))
            ORDER BY id
            """).map { row in
            let (id, micros, qty) = try row.decode((String, Int64, String?).self)
            return "\(id)|\(micros)|\(qty ?? "null")"
        }.sorted()
    }

    /// A reader's rows as `id|micros|qty`, in id order.
    static func rows(_ reader: [String: Any]?) -> [String] {
        ((reader?["rows"] as? [[Any]]) ?? []).map { row in
            row.map { value in
                if value is NSNull { return "null" }
                if let number = value as? NSNumber { return number.stringValue }
                return "\(value)"
            }.joined(separator: "|")
        }.sorted()
    }

    /// Copies the table folder out of the bucket into a fresh local folder (the readers open it
    /// there: no S3 credentials or endpoint settings in three engines).
    static func download(_ services: Services, bucket: String, into directory: URL) async throws -> URL {
        let client = try services.s3(bucket: bucket)
        let folder = directory.appendingPathComponent("table-" + UUID().uuidString.prefix(8), isDirectory: true)
        for key in try await client.listObjects(prefix: root) {
            let target = folder.appendingPathComponent(String(key.dropFirst(root.count)))
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            let body = try await client.getObject(key: key).body
            try Data(body.readableBytesView).write(to: target)
        }
        return folder
    }

    /// The three readers on the table (at `version`, or the latest).
    static func read(_ table: URL, version: Int64? = nil, appID: String? = nil, day: (Int64, Int64)? = nil,
                     id: String? = nil, in directory: URL) throws -> [String: Any] {
        var spec: [String: Any] = ["version": version.map { NSNumber(value: $0) } ?? NSNull()]
        if let id { spec["id"] = id }
        if let appID { spec["app_id"] = appID }
        if let day { spec["day"] = [day.0 * 1_000_000, day.1 * 1_000_000] }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        return try ReaderPython.run(script: deltaReadbackScript, named: "delta_readback.py", arguments: [table.path, json], in: directory)
    }

    /// The live paths the run history's copy of the log holds for the connection's table.
    static func storedLivePaths(_ services: Services, bucket: String) async throws -> [String] {
        try await services.postgres.query("""
            SELECT f.path FROM delta_table_files f JOIN delta_tables t USING (table_key)
            WHERE t.location = \("s3://\(bucket)/\(root)") AND f.remove_action IS NULL ORDER BY f.path
            """).map { try $0.decode(String.self) }
    }

    static func deltaVersions(_ services: Services, connection: String) async throws -> [Int64?] {
        try await services.postgres.query("SELECT delta_version FROM export_runs WHERE connection_id = \(connection) ORDER BY id")
            .map { try $0.decode(Int64?.self) }
    }

    static func succeeded(_ reports: [RunReport]) -> Bool {
        !reports.isEmpty && reports.allSatisfy { if case .succeeded = $0.result { true } else { false } }
    }

    @Test func twelveWindowsAReExportAndVacuumReadBackAsPostgresHasThem() async throws {
        try await TestServices.with { services in
            let c = try await Self.connection(services, days: 12)
            try await withScratchDirectory { directory in
                let engine = services.parquetEngine()
                let now = Self.first + 13 * Self.day + 3_600
                let reports = try await engine.backfill(connectionID: c.id, entities: nil, from: Self.first, to: Self.first + 12 * Self.day,
                                                        now: now, graceSeconds: 0, force: false, dryRun: false)
                #expect(reports.count == 12 && Self.succeeded(reports), "\(reports)")
                #expect(try await Self.deltaVersions(services, connection: c.id) == (0..<12).map { Optional(Int64($0)) })

                // The log: one commit per window, a checkpoint at version 10 and _last_checkpoint.
                let s3 = try services.s3(bucket: c.bucket)
                let log = try await s3.listObjects(prefix: Self.logPrefix).map { String($0.dropFirst(Self.logPrefix.count)) }
                var expectedLog: [String] = (0..<10).map { DeltaLogPath.commitName(Int64($0)) }
                expectedLog += [DeltaLogPath.checkpointName(10), DeltaLogPath.commitName(10), DeltaLogPath.commitName(11), "_last_checkpoint"]
                #expect(log == expectedLog, "\(log)")
                let last = try await s3.getObjectIfPresent(key: Self.logPrefix + "_last_checkpoint").map { String(buffer: $0) }
                #expect(last?.contains(#""version":10"#) == true, "\(last ?? "no _last_checkpoint")")

                // Every data file's name carries its run id; each window has exactly one.
                let runs = try await services.runs(connection: c.id)
                let expectedFiles = runs.map { run in
                    let start = Timestamp.compact(seconds: Int64(run.windowStart.timeIntervalSince1970))
                    let end = Timestamp.compact(seconds: Int64(run.windowEnd.timeIntervalSince1970))
                    let date = Timestamp.rfc3339(seconds: Int64(run.windowStart.timeIntervalSince1970))
                    let folder = date.prefix(10).replacingOccurrences(of: "-", with: "/")
                    return "\(folder)/feature_usage_\(start)_\(end)_run-\(run.id).parquet"
                }.sorted()
                #expect(try await Self.storedLivePaths(services, bucket: c.bucket) == expectedFiles)

                // Three readers, PostgreSQL's rows, each window once; delta-rs' files are our log's.
                let table = try await Self.download(services, bucket: c.bucket, into: directory)
                let day5 = (Self.first + 4 * Self.day, Self.first + 5 * Self.day)
                let read = try Self.read(table, appID: Self.appID(c), day: day5, id: c.tenant + "-0", in: directory)
                let expected = try await Self.postgresRows(services, tenant: c.tenant)
                #expect(expected.count == 72)
                let deltaRS = read["deltalake"] as? [String: Any]
                #expect(Self.rows(deltaRS) == expected)
                #expect(Self.rows(read["duckdb"] as? [String: Any]) == expected)
                #expect(Self.rows(read["polars"] as? [String: Any]) == expected)
                #expect(deltaRS?["version"] as? Int == 11)
                #expect(deltaRS?["files"] as? [String] == expectedFiles)
                #expect(deltaRS?["protocol"] as? [Int] == [1, 1])
                #expect(deltaRS?["transaction_version"] as? Int64 == runs.last?.id)
                #expect(deltaRS?["num_records"] as? [Int] == Array(repeating: 6, count: 12))
                // File skipping: a one-day filter reads one file of twelve, from the add statistics.
                #expect(deltaRS?["all_fragments"] as? Int == 12)
                #expect(deltaRS?["day_fragments"] as? Int == 1, "\(deltaRS ?? [:])")
                // DuckDB skips by the statistics too: one id's rows are in one file (its min/max).
                #expect((read["duckdb"] as? [String: Any])?["id_files_scanned"] as? String == "1/12")
                let history = deltaRS?["history"] as? [[String: Any]] ?? []
                #expect(history.count == 12)
                #expect(Set(history.compactMap { $0["runId"] as? Int64 }) == Set(runs.map(\.id)))
                // Each commit counts what it wrote, as Spark's WRITE does (DESCRIBE HISTORY shows it).
                for commit in history {
                    let metrics = commit["metrics"] as? [String: String]
                    #expect(commit["mode"] as? String == "Append", "\(commit)")
                    #expect(metrics?["numFiles"] == "1" && metrics?["numOutputRows"] == "6", "\(commit)")
                    #expect(Int(metrics?["numOutputBytes"] ?? "") ?? 0 > 0, "\(commit)")
                }

                // The checkpoint alone holds versions 0..10: with those commits gone from the copy,
                // every reader still opens the table, its statistics and its transaction included.
                for version in 0..<10 {
                    try FileManager.default.removeItem(at: table.appendingPathComponent("_delta_log/" + DeltaLogPath.commitName(Int64(version))))
                }
                let fromCheckpoint = try Self.read(table, appID: Self.appID(c), day: day5, in: directory)
                for reader in ["deltalake", "duckdb", "polars"] {
                    #expect(Self.rows(fromCheckpoint[reader] as? [String: Any]) == expected, "\(reader) from the checkpoint")
                }
                let checkpointed = fromCheckpoint["deltalake"] as? [String: Any]
                // The checkpoint's pages are compressed as the table's data files are (zstd here).
                #expect(checkpointed?["checkpoint_codecs"] as? [String] == ["ZSTD"], "\(checkpointed?["checkpoint_codecs"] ?? "none")")
                #expect(checkpointed?["version"] as? Int == 11)
                #expect(checkpointed?["files"] as? [String] == expectedFiles)
                #expect(checkpointed?["num_records"] as? [Int] == Array(repeating: 6, count: 12))
                #expect(checkpointed?["transaction_version"] as? Int64 == runs.last?.id)
                #expect(checkpointed?["day_fragments"] as? Int == 1)

                // Re-export the fifth day with a changed row and a new one: one commit removes the old
                // file and adds the new one; the old rows are time travel away.
                try await services.execute("""
                    UPDATE feature_usage SET qty_total = 1000 WHERE tenant_id = \(c.tenant) AND id = \(c.tenant + "-24")
                    """)
                try await services.execute("""
                    INSERT INTO feature_usage (id, tenant_id, environment_id, event_name, "timestamp", qty_total)
                    VALUES (\(c.tenant + "-late"), \(c.tenant), '', 'api_call', to_timestamp(\(day5.0 + 60)), 7.25)
                    """)
                let redo = try await engine.backfill(connectionID: c.id, entities: nil, from: day5.0, to: day5.1, now: now,
                                                     graceSeconds: 0, force: true, dryRun: false)
                #expect(Self.succeeded(redo), "\(redo)")
                let redoRun = try #require(try await services.runs(connection: c.id).last)
                let replaced = try #require(expectedFiles.first { $0.hasPrefix("2026/11/05/") })
                let commit = String(buffer: try await s3.getObject(key: Self.logPrefix + DeltaLogPath.commitName(12)).body)
                let actions = try DeltaJSON.actions(commit, version: 12)
                #expect(actions.compactMap { if case .remove(let r) = $0 { r.path } else { nil } } == [replaced])
                #expect(actions.compactMap { if case .add(let a) = $0 { a.path } else { nil } }
                        == [replaced.replacingOccurrences(of: "_run-\(runs[4].id)", with: "_run-\(redoRun.id)")])
                #expect(try await s3.listObjects(prefix: Self.root + replaced).count == 1, "the replaced file stays for time travel")
                let info = actions.compactMap { if case .commitInfo(let info) = $0 { info } else { nil } }.first
                #expect(info?.operationParameters?["mode"] == "Overwrite" && info?.isBlindAppend == false, "\(commit)")
                #expect(info?.operationMetrics?["numOutputRows"] == "7" && info?.operationMetrics?["numRemovedFiles"] == "1", "\(commit)")

                let after = try await Self.download(services, bucket: c.bucket, into: directory)
                let now12 = try Self.read(after, in: directory)
                let expected12 = try await Self.postgresRows(services, tenant: c.tenant)
                #expect(expected12.count == 73)
                for reader in ["deltalake", "duckdb", "polars"] {
                    #expect(Self.rows(now12[reader] as? [String: Any]) == expected12, "\(reader)")
                }
                let before = try Self.read(after, version: 11, in: directory)
                #expect(Self.rows(before["deltalake"] as? [String: Any]) == expected)
                #expect(Self.rows(before["polars"] as? [String: Any]) == expected)

                // Vacuum: with the default retention nothing is old enough; with none, the replaced
                // file goes and nothing else (live files, manifests, the log stay).
                let keysBefore = Set(try await s3.listObjects(prefix: Self.root))
                let kept = try await engine.vacuumDeltaTables(connectionID: c.id, retentionHours: 168, dryRun: false)
                #expect(kept.count == 1)
                #expect((try? kept.first?.get())?.deleted == [])
                #expect((try? kept.first?.get())?.keptTombstones == 1)
                let dry = try await engine.vacuumDeltaTables(connectionID: c.id, retentionHours: 0, dryRun: true)
                #expect((try? dry.first?.get())?.deleted == [Self.root + replaced])
                #expect(Set(try await s3.listObjects(prefix: Self.root)) == keysBefore)
                let vacuumed = try await engine.vacuumDeltaTables(connectionID: c.id, retentionHours: 0, dryRun: false)
                #expect((try? vacuumed.first?.get())?.deleted == [Self.root + replaced])
                #expect(Set(try await s3.listObjects(prefix: Self.root)) == keysBefore.subtracting([Self.root + replaced]))
                let cleaned = try await Self.download(services, bucket: c.bucket, into: directory)
                #expect(Self.rows(try Self.read(cleaned, in: directory)["deltalake"] as? [String: Any]) == expected12)
                // Time travel past the vacuum fails, and for the deleted file (not for any reason).
                let fileName = String(replaced.split(separator: "/").last ?? "")
                do {
                    _ = try Self.read(cleaned, version: 11, in: directory)
                    Issue.record("time travel to version 11 read a file vacuum deleted")
                } catch let ReaderPython.Failure.failed(_, stderr) {
                    #expect(stderr.contains(fileName), "the reader failed for another reason: \(stderr.suffix(2_000))")
                }
            }
        }
    }
}
