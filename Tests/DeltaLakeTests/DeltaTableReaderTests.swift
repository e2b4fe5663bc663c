import ExporterCore
import DeltaLake
import Foundation
import ParquetWriter
import TestSupport
import Testing

/// The proof that our checkpoints are Delta checkpoints: a small table (Parquet data files from
/// ``ParquetFileWriter``, JSON commits 0...N written by hand here, our checkpoint at N with its
/// `_last_checkpoint`, one JSON commit N+1) whose commits 0...N are then deleted, so a reader can
/// only learn the table's state at N from the checkpoint. delta-rs (the `deltalake` package),
/// polars (over delta-rs) and DuckDB's delta extension (over delta-kernel-rs) then read it.
@Suite(.enabled(if: ReaderPython.shouldRun, "no Parquet reader venv: run scripts/install-parquet-readers.sh"))
struct DeltaTableReaderTests {
    static let checkpointVersion = 10
    static let appID = "flexprice-exporter/conn_01/invoice"
    static let createdBy = "flexprice-exporter version 1.2.3 (build abc)"
    static let schemaString =
        #"{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},"#
        + #"{"name":"name","type":"string","nullable":true,"metadata":{}}]}"#

    static let script = #"""
    import glob, json, os, sys, sysconfig
    import pyarrow as pa, pyarrow.parquet as pq

    path, checkpoint_version, app_id = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    def attempt(reader):
        try:
            return reader()
        except Exception as error:
            import traceback
            return {"error": type(error).__name__ + ": " + str(error), "trace": traceback.format_exc()}

    def rows(table):
        return sorted(pa.table(table).to_pylist(), key=lambda row: row["id"])

    def names(uris):
        return sorted(os.path.basename(uri) for uri in uris)

    def read_deltalake():
        from deltalake import DeltaTable
        table = DeltaTable(path)
        adds = pa.table(table.get_add_actions(flatten=True)).to_pylist()
        at_checkpoint = DeltaTable(path, version=checkpoint_version)
        metadata = table.metadata()
        protocol = table.protocol()
        return {
            "version": table.version(),
            "files": names(table.file_uris()),
            "rows": rows(table.to_pyarrow_table()),
            "transaction_version": table.transaction_version(app_id),
            "adds": sorted(({"path": a["path"], "size": a["size_bytes"], "num_records": a["num_records"],
                             "min_id": a["min.id"], "max_id": a["max.id"], "min_name": a["min.name"],
                             "null_count_id": a["null_count.id"]} for a in adds), key=lambda a: a["path"]),
            "configuration": metadata.configuration,
            "metadata_id": metadata.id,
            "partition_columns": metadata.partition_columns,
            "protocol": [protocol.min_reader_version, protocol.min_writer_version],
            "checkpoint_version": at_checkpoint.version(),
            "checkpoint_files": names(at_checkpoint.file_uris()),
            "checkpoint_transaction_version": at_checkpoint.transaction_version(app_id),
            "checkpoint_adds": len(pa.table(at_checkpoint.get_add_actions(flatten=True))),
        }

    def read_polars():
        import polars
        frame = polars.read_delta(path)
        return {"rows": sorted(frame.to_dicts(), key=lambda row: row["id"])}

    def read_duckdb():
        import duckdb
        extension = os.path.join(sysconfig.get_paths()["purelib"], "duckdb_ext", "extensions",
                                 "v" + duckdb.__version__, "linux_amd64", "delta.duckdb_extension")
        con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
        con.execute("LOAD '" + extension.replace("'", "''") + "'")
        result = con.execute("SELECT id, name FROM delta_scan(?) ORDER BY id", [path]).fetchall()
        return {"rows": [{"id": r[0], "name": r[1]} for r in result]}

    def read_checkpoint():
        files = glob.glob(os.path.join(path, "_delta_log", "*.checkpoint.parquet"))
        table = pq.read_table(files[0])
        return {"files": [os.path.basename(f) for f in files], "num_rows": table.num_rows,
                "rows": table.to_pylist(maps_as_pydicts="strict"),
                "commits": sorted(os.path.basename(f) for f in glob.glob(os.path.join(path, "_delta_log", "*.json")))}

    json.dump({"deltalake": attempt(read_deltalake), "polars": attempt(read_polars), "duckdb": attempt(read_duckdb),
               "checkpoint": attempt(read_checkpoint)}, sys.stdout)
    """#

    /// Data file `i` holds ids 2i and 2i+1.
    static func dataFile(_ index: Int, in table: URL) throws -> (name: String, size: Int64) {
        var writer = try ParquetFileWriter(
            columns: [ParquetColumn(name: "id", type: .int64), ParquetColumn(name: "name", type: .string)],
            options: ParquetWriterOptions(createdBy: createdBy))
        for id in [2 * index, 2 * index + 1] {
            try writer.append(Int64(id))
            try writer.append("n\(id)")
            try writer.endRow()
        }
        let bytes = try writer.finish().bytes
        let name = "part-\(index).parquet"
        try Data(bytes).write(to: table.appendingPathComponent(name))
        return (name, Int64(bytes.count))
    }

    /// An add line, with the statistics Delta readers skip files with.
    static func addLine(_ file: (name: String, size: Int64), index: Int) -> String {
        let low = 2 * index
        let high = low + 1
        let stats = #"{\"numRecords\":2,\"minValues\":{\"id\":\#(low),\"name\":\"n\#(low)\"},"#
            + #"\"maxValues\":{\"id\":\#(high),\"name\":\"n\#(high)\"},\"nullCount\":{\"id\":0,\"name\":0}}"#
        return #"{"add":{"path":"\#(file.name)","partitionValues":{},"size":\#(file.size),"#
            + #""modificationTime":\#(1_000 + index),"dataChange":true,"stats":"\#(stats)"}}"#
    }

    static func txnLine(_ version: Int) -> String {
        #"{"txn":{"appId":"\#(appID)","version":\#(version),"lastUpdated":\#(5_000 + version)}}"#
    }

    static func commitInfoLine(_ version: Int) -> String {
        #"{"commitInfo":{"timestamp":\#(5_000 + version),"operation":"WRITE"}}"#
    }

    @Test func deltaReadersOpenTheTableFromOurCheckpoint() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("delta-checkpoint-\(UUID().uuidString)")
        let table = directory.appendingPathComponent("invoice")
        let log = table.appendingPathComponent("_delta_log")
        try FileManager.default.createDirectory(at: log, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["PARQUET_KEEP_FILES"] == nil {
                try? FileManager.default.removeItem(at: directory)
            }
        }
        let n = Self.checkpointVersion
        // Commits 0...N, by hand: the table's creation with file 0, then a file per commit; commit
        // 5 removes file 0 (a tombstone in the checkpoint).
        var files: [(name: String, size: Int64)] = []
        var snapshot = DeltaSnapshot()
        for version in 0...n {
            let file = try Self.dataFile(version, in: table)
            files.append(file)
            var lines = [Self.commitInfoLine(version)]
            if version == 0 {
                lines.append(#"{"protocol":{"minReaderVersion":1,"minWriterVersion":1}}"#)
                lines.append(
                    #"{"metaData":{"id":"5f6c1a2e-0d8b-4a57-9a43-2b1f3c4d5e6f","format":{"provider":"parquet","options":{}},"#
                        + #""schemaString":\#(JSONValue.stringLiteral(Self.schemaString)),"partitionColumns":[],"#
                        + #""configuration":{"delta.appendOnly":"false","delta.checkpointInterval":"10"},"createdTime":5000}}"#)
            }
            if version == 5 {
                lines.append(
                    #"{"remove":{"path":"\#(files[0].name)","deletionTimestamp":5005,"dataChange":true,"#
                        + #""extendedFileMetadata":true,"partitionValues":{},"size":\#(files[0].size)}}"#)
            }
            lines.append(Self.addLine(file, index: version))
            lines.append(Self.txnLine(version))
            let text = lines.joined(separator: "\n") + "\n"
            try Data(text.utf8).write(to: log.appendingPathComponent(DeltaLogPath.commitName(Int64(version))))
            // The snapshot the exporter would hold, replayed from the same text.
            try snapshot.apply(try DeltaJSON.actions(text, version: Int64(version)), version: Int64(version))
        }
        // Our checkpoint at N and the pointer to it.
        let actions = snapshot.checkpointActions
        let checkpoint = try DeltaCheckpoint.parquet(actions, createdBy: Self.createdBy)
        try Data(checkpoint).write(to: log.appendingPathComponent(DeltaLogPath.checkpointName(Int64(n))))
        let actionCount = DeltaCheckpoint.actionCount(actions)
        // protocol, metaData, one txn, files 1...N, the tombstone of file 0.
        #expect(actionCount == 3 + n + 1)
        try Data(#"{"version":\#(n),"size":\#(actionCount)}"#.utf8)
            .write(to: log.appendingPathComponent(DeltaLogPath.lastCheckpointName))
        // Commit N+1, after the checkpoint.
        let last = try Self.dataFile(n + 1, in: table)
        files.append(last)
        try Data(([Self.commitInfoLine(n + 1), Self.addLine(last, index: n + 1), Self.txnLine(n + 1)]
            .joined(separator: "\n") + "\n").utf8)
            .write(to: log.appendingPathComponent(DeltaLogPath.commitName(Int64(n + 1))))
        // Readers must now take the state at N from the checkpoint alone.
        for version in 0...n {
            try FileManager.default.removeItem(at: log.appendingPathComponent(DeltaLogPath.commitName(Int64(version))))
        }

        let output = try ReaderPython.run(
            script: Self.script, named: "read_delta.py", arguments: [table.path, String(n), Self.appID], in: directory)
        for reader in ["deltalake", "polars", "duckdb", "checkpoint"] {
            let result = output[reader] as? [String: Any]
            #expect(result != nil && result?["error"] == nil, "\(reader): \(result?["error"] ?? "no output") \(result?["trace"] ?? "")")
        }
        let expectedRows = (2...(2 * n + 3)).map { "\($0)=n\($0)" }
        let liveFiles = files.dropFirst().map(\.name).sorted()

        let delta = try #require(output["deltalake"] as? [String: Any])
        #expect(delta["version"] as? Int == n + 1)
        #expect(delta["files"] as? [String] == liveFiles)
        #expect(Self.rows(delta["rows"]) == expectedRows)
        #expect(delta["transaction_version"] as? Int == n + 1)
        #expect(delta["configuration"] as? [String: String] == ["delta.appendOnly": "false", "delta.checkpointInterval": "10"])
        #expect(delta["metadata_id"] as? String == "5f6c1a2e-0d8b-4a57-9a43-2b1f3c4d5e6f")
        #expect(delta["partition_columns"] as? [String] == [])
        #expect(delta["protocol"] as? [Int] == [1, 1])
        // At N, everything comes from the checkpoint: files, the txn, the statistics.
        #expect(delta["checkpoint_version"] as? Int == n)
        #expect(delta["checkpoint_files"] as? [String] == files[1...n].map(\.name).sorted())
        #expect(delta["checkpoint_transaction_version"] as? Int == n)
        #expect(delta["checkpoint_adds"] as? Int == n)
        let adds = try #require(delta["adds"] as? [[String: Any]])
        #expect(adds.map { $0["path"] as? String } == liveFiles)
        for add in adds {
            let path = add["path"] as? String ?? ""
            guard let index = files.firstIndex(where: { $0.name == path }) else { continue }
            #expect(add["size"] as? Int == Int(files[index].size), "\(path)")
            #expect(add["num_records"] as? Int == 2, "\(path)")
            #expect(add["min_id"] as? Int == 2 * index, "\(path)")
            #expect(add["max_id"] as? Int == 2 * index + 1, "\(path)")
            #expect(add["min_name"] as? String == "n\(2 * index)", "\(path)")
            #expect(add["null_count_id"] as? Int == 0, "\(path)")
        }

        let polars = try #require(output["polars"] as? [String: Any])
        #expect(Self.rows(polars["rows"]) == expectedRows)
        let duckdb = try #require(output["duckdb"] as? [String: Any])
        #expect(Self.rows(duckdb["rows"]) == expectedRows)

        // The checkpoint itself, as pyarrow reads it: one row per action, the JSON commits gone.
        let file = try #require(output["checkpoint"] as? [String: Any])
        #expect(file["files"] as? [String] == [DeltaLogPath.checkpointName(Int64(n))])
        #expect(file["commits"] as? [String] == [DeltaLogPath.commitName(Int64(n + 1))])
        #expect(file["num_rows"] as? Int == actionCount)
        let rows = try #require(file["rows"] as? [[String: Any]])
        let metaData = try #require(rows.compactMap { $0["metaData"] as? [String: Any] }.first)
        #expect(metaData["configuration"] as? [String: String] == ["delta.appendOnly": "false", "delta.checkpointInterval": "10"])
        #expect((metaData["format"] as? [String: Any])?["provider"] as? String == "parquet")
        #expect(metaData["schemaString"] as? String == Self.schemaString)
        let removes = rows.compactMap { $0["remove"] as? [String: Any] }
        #expect(removes.map { $0["path"] as? String } == [files[0].name])
        #expect(removes.first?["deletionTimestamp"] as? Int == 5005)
        let txns = rows.compactMap { $0["txn"] as? [String: Any] }
        #expect(txns.map { $0["appId"] as? String } == [Self.appID])
        #expect(txns.first?["version"] as? Int == n)
    }

    /// Rows of (id, name) as `id=name`, in order.
    static func rows(_ value: Any?) -> [String] {
        (value as? [[String: Any]] ?? []).map { row in
            "\((row["id"] as? Int).map(String.init) ?? "?")=\(row["name"] as? String ?? "?")"
        }
    }
}
