@testable import DeltaLake
import ParquetWriter
import Testing

/// What ``DeltaCheckpoint`` accepts and refuses; the files themselves are read back by the Delta
/// readers in ``DeltaTableReaderTests``.
@Suite struct DeltaCheckpointTests {
    static let createdBy = "flexprice-exporter version 1.2.3 (build abc)"
    static let metadata = DeltaMetadata(id: "table-id", schemaString: #"{"type":"struct","fields":[]}"#, createdTime: 1)

    @Test func everyRowHoldsExactlyOneAction() throws {
        let add = DeltaAdd(path: "f.parquet", size: 1, modificationTime: 1, stats: nil)
        let rows = try DeltaCheckpoint.rows(of: [
            .protocol(DeltaProtocol()), .metaData(Self.metadata), .add(add),
            .commitInfo(DeltaCommitInfo(timestamp: 1, operation: "WRITE")),
            .txn(DeltaTransaction(appId: "a", version: 1, lastUpdated: nil)), .remove(add.removed(at: 2)),
        ])
        // commitInfo is never part of a checkpoint.
        #expect(rows.count == 5)
        for row in rows { #expect(row.filter { $0 != .null }.count == 1) }
        // Columns: txn, add, remove, metaData, protocol.
        #expect(rows.map { $0.firstIndex { $0 != .null } } == [4, 3, 1, 0, 2])
        #expect(DeltaCheckpoint.actionCount([.protocol(DeltaProtocol()), .commitInfo(DeltaCommitInfo(timestamp: 1, operation: nil))]) == 1)
    }

    @Test func aCheckpointNeedsOneProtocolAndOneMetaData() {
        #expect(throws: DeltaCheckpointError.snapshotNeedsOne(action: "protocol", found: 0)) {
            try DeltaCheckpoint.parquet([.metaData(Self.metadata)], createdBy: Self.createdBy)
        }
        #expect(throws: DeltaCheckpointError.snapshotNeedsOne(action: "metaData", found: 2)) {
            try DeltaCheckpoint.parquet(
                [.protocol(DeltaProtocol()), .metaData(Self.metadata), .metaData(Self.metadata)], createdBy: Self.createdBy)
        }
        #expect(throws: DeltaCheckpointError.unsupportedAction("domainMetadata")) {
            try DeltaCheckpoint.parquet(
                [.protocol(DeltaProtocol()), .metaData(Self.metadata), .other("domainMetadata")], createdBy: Self.createdBy)
        }
    }

    @Test func theFileIsParquetWithOneRowPerAction() throws {
        let bytes = try DeltaCheckpoint.parquet([.protocol(DeltaProtocol()), .metaData(Self.metadata)], createdBy: Self.createdBy)
        #expect(Array(bytes.prefix(4)) == ParquetFileWriter.magic)
        #expect(Array(bytes.suffix(4)) == ParquetFileWriter.magic)
        // The same state, the same bytes.
        #expect(try DeltaCheckpoint.parquet([.protocol(DeltaProtocol()), .metaData(Self.metadata)], createdBy: Self.createdBy) == bytes)
    }
}
