import DeltaLake
import Foundation
import Testing

/// Each action's JSON against the examples of the Delta protocol
/// (https://github.com/delta-io/delta/blob/master/PROTOCOL.md), compared as parsed JSON (key order
/// is not part of the format), and read back.
@Suite struct DeltaActionTests {
    static func parsed(_ text: String) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
    }

    static func line(_ action: DeltaAction) throws -> String {
        let text = try DeltaJSON.commit([action])
        #expect(text.hasSuffix("\n"))
        #expect(text.filter { $0 == "\n" }.count == 1)
        return text
    }

    @Test func addMatchesTheProtocolExample() throws {
        // PROTOCOL.md "Add File and Remove File", the add example (tags and the partition value
        // left out: the exporter writes unpartitioned tables).
        let add = DeltaAdd(path: "date=2017-12-10/part-000...c000.gz.parquet", size: 841_454, modificationTime: 1_512_909_768_000,
                           dataChange: true,
                           stats: #"{"numRecords":1,"minValues":{"val..."#)
        let expected = #"{"add":{"path":"date=2017-12-10/part-000...c000.gz.parquet","partitionValues":{},"size":841454,"modificationTime":1512909768000,"dataChange":true,"stats":"{\"numRecords\":1,\"minValues\":{\"val..."}}"#
        let text = try Self.line(.add(add))
        #expect(try Self.parsed(text) == Self.parsed(expected))
        // Slashes stay slashes: a path reads as a path.
        #expect(text.contains(#""path":"date=2017-12-10/part-000...c000.gz.parquet""#))
        #expect(try DeltaJSON.actions(text, version: 0) == [.add(add)])
    }

    @Test func removeMatchesTheProtocolExample() throws {
        let remove = DeltaRemove(path: "part-00001-9…..snappy.parquet", deletionTimestamp: 1_515_488_792_485, dataChange: true)
        let expected = #"{"remove":{"path":"part-00001-9…..snappy.parquet","deletionTimestamp":1515488792485,"dataChange":true}}"#
        let text = try Self.line(.remove(remove))
        #expect(try Self.parsed(text) == Self.parsed(expected))
        #expect(try DeltaJSON.actions(text, version: 3) == [.remove(remove)])
    }

    @Test func anAddRetiredIsARemoveWithItsSizeAndTime() {
        let add = DeltaAdd(path: "2026/12/01/invoice_20261201T000000Z_20261202T000000Z_run-7.parquet", size: 1_234,
                           modificationTime: 1_764_547_200_000, stats: "{}")
        #expect(add.removed(at: 1_764_633_600_000) == DeltaRemove(
            path: add.path, deletionTimestamp: 1_764_633_600_000, dataChange: true, extendedFileMetadata: true,
            partitionValues: [:], size: 1_234))
    }

    @Test func txnMatchesTheProtocolExample() throws {
        // PROTOCOL.md "Transaction Identifiers".
        let txn = DeltaTransaction(appId: "3ba13872-2d47-4e17-86a0-21afd2a22395", version: 364_475, lastUpdated: nil)
        let expected = #"{"txn":{"appId":"3ba13872-2d47-4e17-86a0-21afd2a22395","version":364475}}"#
        let text = try Self.line(.txn(txn))
        #expect(try Self.parsed(text) == Self.parsed(expected))
        #expect(try DeltaJSON.actions(text, version: 1) == [.txn(txn)])
    }

    @Test func protocolIsReaderOneWriterOne() throws {
        // PROTOCOL.md "Protocol Evolution" example shape; the exporter needs no feature.
        let text = try Self.line(.protocol(.exporter))
        #expect(try Self.parsed(text) == Self.parsed(#"{"protocol":{"minReaderVersion":1,"minWriterVersion":1}}"#))
    }

    @Test func metaDataMatchesTheProtocolExample() throws {
        // PROTOCOL.md "Change Metadata" example, without partition columns.
        let schema = DeltaSchema(fields: [.init(name: "auctionType", type: "string"), .init(name: "net", type: "decimal(20,6)")])
        let metadata = DeltaMetadata(id: "af23c9d7-fff1-4a5a-a2c8-55c11d70b8c4", schemaString: schema.json, createdTime: 1_764_547_200_000)
        let expected = #"""
        {"metaData":{"id":"af23c9d7-fff1-4a5a-a2c8-55c11d70b8c4","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"auctionType\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},{\"name\":\"net\",\"type\":\"decimal(20,6)\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{},"createdTime":1764547200000}}
        """#
        let text = try Self.line(.metaData(metadata))
        #expect(try Self.parsed(text) == Self.parsed(expected))
        #expect(try DeltaJSON.actions(text, version: 0) == [.metaData(metadata)])
        #expect(DeltaSchema.parse(metadata.schemaString) == schema)
    }

    @Test func commitInfoNamesTheRunAndWindow() throws {
        let info = DeltaCommitInfo(timestamp: 1_764_633_600_000, operation: "WRITE", operationParameters: ["mode": "Append"],
                                   engineInfo: "flexprice-exporter 1.0.0", isBlindAppend: false, runId: 42,
                                   connectionId: "conn_01", entity: "invoice",
                                   windowStart: "2026-12-01T00:00:00Z", windowEnd: "2026-12-02T00:00:00Z")
        let expected = #"{"commitInfo":{"timestamp":1764633600000,"operation":"WRITE","operationParameters":{"mode":"Append"},"engineInfo":"flexprice-exporter 1.0.0","isBlindAppend":false,"runId":42,"connectionId":"conn_01","entity":"invoice","windowStart":"2026-12-01T00:00:00Z","windowEnd":"2026-12-02T00:00:00Z"}}"#
        #expect(try Self.parsed(Self.line(.commitInfo(info))) == Self.parsed(expected))
    }

    @Test func anotherWritersActionsReplayWithoutError() throws {
        // A commit by Spark: commitInfo first, a cdc action and a domainMetadata this writer
        // never writes, a remove without optional fields.
        let text = """
        {"commitInfo":{"timestamp":1,"operation":"DELETE","operationParameters":{"predicate":"[\\"true\\"]"},"readVersion":4,"isolationLevel":"WriteSerializable"}}
        {"cdc":{"path":"_change_data/cdc-00000.parquet","partitionValues":{},"size":10,"dataChange":false}}
        {"domainMetadata":{"domain":"delta.rowTracking","configuration":"{}","removed":false}}

        {"remove":{"path":"a.parquet","dataChange":true}}
        """
        let actions = try DeltaJSON.actions(text, version: 5)
        #expect(actions.count == 4)
        #expect(actions[1] == .other("cdc"))
        #expect(actions[2] == .other("domainMetadata"))
        #expect(actions[3] == .remove(DeltaRemove(path: "a.parquet", deletionTimestamp: nil)))
    }

    @Test func aLineThatIsNotJSONNamesTheVersionAndLine() {
        #expect(throws: DeltaLogError.malformedCommit(version: 12, line: 2)) {
            try DeltaJSON.actions("{\"txn\":{\"appId\":\"a\",\"version\":1}}\n{not json\n", version: 12)
        }
        #expect(DeltaLogError.malformedCommit(version: 12, line: 2).description
            == "the Delta log's commit 00000000000000000012.json is not valid JSON at line 2")
    }

    @Test func logNames() {
        #expect(DeltaLogPath.commitName(0) == "00000000000000000000.json")
        #expect(DeltaLogPath.commitName(1_234) == "00000000000000001234.json")
        #expect(DeltaLogPath.checkpointName(10) == "00000000000000000010.checkpoint.parquet")
        #expect(DeltaLogPath.commitVersion("00000000000000000012.json") == 12)
        #expect(DeltaLogPath.commitVersion("00000000000000000010.checkpoint.parquet") == nil)
        #expect(DeltaLogPath.commitVersion("_last_checkpoint") == nil)
        #expect(DeltaLogPath.commitVersion("0000000000000000001a.json") == nil)
        #expect(DeltaLastCheckpoint(version: 10, size: 25).json == #"{"size":25,"version":10}"#)
    }

    @Test func schemaTypesAndEscaping() {
        let schema = DeltaSchema(fields: [.init(name: "id", type: "string"), .init(name: "a\"b", type: "long")])
        #expect(schema.json == #"{"type":"struct","fields":[{"name":"id","type":"string","nullable":true,"metadata":{}},{"name":"a\"b","type":"long","nullable":true,"metadata":{}}]}"#)
        #expect(DeltaSchema.parse(schema.json) == schema)
    }
}
