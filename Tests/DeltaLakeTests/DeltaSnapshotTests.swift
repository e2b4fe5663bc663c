import DeltaLake
import Testing

/// Replaying a log and planning a window's commit on it, with every action written out.
@Suite struct DeltaSnapshotTests {
    static let schema = DeltaSchema(fields: [.init(name: "id", type: "string"), .init(name: "amount", type: "decimal(20,6)")])
    static let day1 = "2026/12/01/invoice_20261201T000000Z_20261202T000000Z_run-"

    static func add(_ path: String, size: Int64 = 100, at time: Int64 = 1_000) -> DeltaAdd {
        DeltaAdd(path: path, size: size, modificationTime: time, stats: #"{"numRecords":1}"#)
    }

    static func commit(run: Int64, files: [DeltaAdd], schema: DeltaSchema = schema) -> DeltaWindowCommit {
        DeltaWindowCommit(files: files, windowPrefix: day1, schema: schema, rows: Int64(files.count) * 3,
                          transaction: DeltaTransaction(appId: "flexprice-exporter/conn_01/invoice", version: run, lastUpdated: 5_000),
                          commitInfo: DeltaCommitInfo(timestamp: 5_000, operation: "WRITE", runId: run))
    }

    @Test func theFirstCommitCreatesTheTable() throws {
        let commit = Self.commit(run: 7, files: [Self.add(Self.day1 + "7.parquet")])
        let actions = try commit.actions(on: DeltaSnapshot(), now: 5_000, tableID: { "table-id" })
        #expect(actions == [
            .commitInfo(DeltaCommitInfo(timestamp: 5_000, operation: "WRITE", operationParameters: ["mode": "Append"],
                                        operationMetrics: ["numFiles": "1", "numOutputRows": "3", "numOutputBytes": "100"],
                                        isBlindAppend: true, runId: 7)),
            .protocol(DeltaProtocol(minReaderVersion: 1, minWriterVersion: 1)),
            .metaData(DeltaMetadata(id: "table-id", schemaString: Self.schema.json, createdTime: 5_000)),
            .add(Self.add(Self.day1 + "7.parquet")),
            .txn(DeltaTransaction(appId: "flexprice-exporter/conn_01/invoice", version: 7, lastUpdated: 5_000)),
        ])
        var snapshot = DeltaSnapshot()
        try snapshot.apply(actions, version: 0)
        #expect(snapshot.version == 0)
        #expect(Array(snapshot.files.keys) == [Self.day1 + "7.parquet"])
        #expect(commit.isApplied(in: snapshot))
        #expect(!Self.commit(run: 8, files: []).isApplied(in: snapshot))
    }

    @Test func aReExportRemovesTheWindowsOldFilesOnly() throws {
        var snapshot = DeltaSnapshot()
        let other = Self.add("2026/12/02/invoice_20261202T000000Z_20261203T000000Z_run-8.parquet")
        try snapshot.apply(try Self.commit(run: 7, files: [Self.add(Self.day1 + "7_part-0001.parquet"), Self.add(Self.day1 + "7_part-0002.parquet")])
            .actions(on: snapshot, now: 5_000, tableID: { "t" }), version: 0)
        try snapshot.apply([.add(other)], version: 1)
        let redo = Self.commit(run: 9, files: [Self.add(Self.day1 + "9.parquet", size: 250, at: 9_000)])
        let actions = try redo.actions(on: snapshot, now: 9_500, tableID: { "never" })
        #expect(actions == [
            .commitInfo(DeltaCommitInfo(timestamp: 5_000, operation: "WRITE", operationParameters: ["mode": "Overwrite"],
                                        operationMetrics: ["numFiles": "1", "numOutputRows": "3", "numOutputBytes": "250",
                                                           "numRemovedFiles": "2", "numRemovedBytes": "200"],
                                        isBlindAppend: false, runId: 9)),
            .remove(Self.add(Self.day1 + "7_part-0001.parquet").removed(at: 9_500)),
            .remove(Self.add(Self.day1 + "7_part-0002.parquet").removed(at: 9_500)),
            .add(Self.add(Self.day1 + "9.parquet", size: 250, at: 9_000)),
            .txn(redo.transaction),
        ])
        try snapshot.apply(actions, version: 2)
        #expect(Set(snapshot.files.keys) == [Self.day1 + "9.parquet", other.path])
        #expect(Set(snapshot.tombstones.keys) == [Self.day1 + "7_part-0001.parquet", Self.day1 + "7_part-0002.parquet"])
        #expect(snapshot.checkpointActions.count == 2 + 1 + 2 + 2)
    }

    @Test func aNewColumnIsAppendedAndATypeChangeRefused() throws {
        var snapshot = DeltaSnapshot()
        try snapshot.apply(try Self.commit(run: 1, files: []).actions(on: snapshot, now: 1, tableID: { "t" }), version: 0)
        let wider = DeltaSchema(fields: [.init(name: "id", type: "string"), .init(name: "note", type: "string")])
        let actions = try Self.commit(run: 2, files: [], schema: wider).actions(on: snapshot, now: 2, tableID: { "x" })
        let merged = DeltaSchema(fields: Self.schema.fields + [.init(name: "note", type: "string")])
        #expect(actions.contains(.metaData(DeltaMetadata(id: "t", schemaString: merged.json, createdTime: 1))))
        let changed = DeltaSchema(fields: [.init(name: "amount", type: "string")])
        #expect(throws: DeltaCommitError.typeChanged(column: "amount", table: "decimal(20,6)", export: "string")) {
            try Self.commit(run: 3, files: [], schema: changed).actions(on: snapshot, now: 3, tableID: { "x" })
        }
    }

    @Test func aGapOrAnUnwritableTableIsRefused() throws {
        var snapshot = DeltaSnapshot()
        #expect(throws: DeltaLogError.missingCommit(version: 0)) { try snapshot.apply([], version: 1) }
        try snapshot.apply([.protocol(DeltaProtocol(minReaderVersion: 3, minWriterVersion: 7))], version: 0)
        #expect(throws: DeltaLogError.unsupportedProtocol(minReaderVersion: 3, minWriterVersion: 7, features: [])) {
            try snapshot.checkWritable()
        }
    }
}
