@testable import DeltaLake
import ParquetWriter
import Testing

/// The checkpoint's rows shredded into levels, checked against levels worked out by hand from the
/// schema (``DeltaCheckpointSchema``) for a protocol, a metaData with a configuration of two
/// entries, an empty options map and one partition column, and an add with a NULL-valued
/// partition value and no tags.
@Suite struct CheckpointShredderTests {
    static let metadata = DeltaMetadata(
        id: "table-id", schemaString: #"{"type":"struct","fields":[]}"#, partitionColumns: ["p"],
        configuration: ["b": "2", "a": "1"], createdTime: 1_000)
    static let add = DeltaAdd(path: "f.parquet", partitionValues: ["p": nil], size: 10, modificationTime: 2_000, stats: nil)
    static let actions: [DeltaAction] = [.protocol(DeltaProtocol()), .metaData(metadata), .add(add)]

    /// The shredded columns by dotted path, and the leaves' maximum levels.
    static func shredded() throws -> (columns: [String: ParquetLeafColumn], leaves: [String: ParquetLeafDescriptor]) {
        let writer = try ParquetNestedFileWriter(schema: DeltaCheckpointSchema.fields, createdBy: "test")
        var shredder = CheckpointShredder(schema: writer.schema, leaves: writer.leaves)
        for row in try DeltaCheckpoint.rows(of: actions) { try shredder.append(row: row) }
        let paths = writer.leaves.map(\.dottedPath)
        return (Dictionary(uniqueKeysWithValues: zip(paths, shredder.columns)),
                Dictionary(uniqueKeysWithValues: zip(paths, writer.leaves)))
    }

    @Test func theSchemaHasTheLeavesReadersAskFor() throws {
        let (_, leaves) = try Self.shredded()
        let levels = leaves.mapValues { [$0.maxDefinitionLevel, $0.maxRepetitionLevel] }
        #expect(levels["txn.appId"] == [2, 0])
        #expect(levels["add.partitionValues.key_value.key"] == [3, 1])
        #expect(levels["add.partitionValues.key_value.value"] == [4, 1])
        #expect(levels["add.stats"] == [2, 0])
        #expect(levels["add.tags.key_value.value"] == [4, 1])
        #expect(levels["remove.deletionTimestamp"] == [2, 0])
        #expect(levels["metaData.format.provider"] == [3, 0])
        #expect(levels["metaData.format.options.key_value.value"] == [5, 1])
        #expect(levels["metaData.partitionColumns.list.element"] == [4, 1])
        #expect(levels["metaData.configuration.key_value.key"] == [3, 1])
        #expect(levels["protocol.minReaderVersion"] == [2, 0])
        #expect(levels["protocol.writerFeatures.list.element"] == [4, 1])
        #expect(leaves["protocol.minReaderVersion"]?.type == .int32)
        #expect(leaves["add.size"]?.type == .int64)
        #expect(leaves["add.dataChange"]?.type == .boolean)
        #expect(leaves.count == 3 + 9 + 7 + 11 + 4)
    }

    @Test func levelsMatchTheHandWorkedOnes() throws {
        let (columns, _) = try Self.shredded()
        func levels(_ path: String) -> [[UInt8]] {
            [columns[path]?.definitionLevels ?? [], columns[path]?.repetitionLevels ?? []]
        }
        // Rows: protocol, metaData, add. A NULL struct leaves every leaf below at 0.
        #expect(levels("protocol.minReaderVersion") == [[2, 0, 0], [0, 0, 0]])
        #expect(columns["protocol.minReaderVersion"]?.values == .int32([1]))
        // readerFeatures NULL in a present protocol: 1 (protocol only).
        #expect(levels("protocol.readerFeatures.list.element") == [[1, 0, 0], [0, 0, 0]])
        // configuration {a: 1, b: 2}, sorted by key: the second entry repeats at level 1.
        #expect(levels("metaData.configuration.key_value.key") == [[0, 3, 3, 0], [0, 0, 1, 0]])
        #expect(columns["metaData.configuration.key_value.key"]?.values == .strings(["a", "b"]))
        #expect(levels("metaData.configuration.key_value.value") == [[0, 4, 4, 0], [0, 0, 1, 0]])
        #expect(columns["metaData.configuration.key_value.value"]?.values == .strings(["1", "2"]))
        // An empty options map: metaData, format and options defined (3), no key_value entry.
        #expect(levels("metaData.format.options.key_value.key") == [[0, 3, 0], [0, 0, 0]])
        #expect(levels("metaData.format.options.key_value.value") == [[0, 3, 0], [0, 0, 0]])
        #expect(levels("metaData.partitionColumns.list.element") == [[0, 4, 0], [0, 0, 0]])
        // name NULL: metaData only.
        #expect(levels("metaData.name") == [[0, 1, 0], [0, 0, 0]])
        // add.partitionValues {p: NULL}: the key present (3), its value NULL (3 of 4).
        #expect(levels("add.partitionValues.key_value.key") == [[0, 0, 3], [0, 0, 0]])
        #expect(levels("add.partitionValues.key_value.value") == [[0, 0, 3], [0, 0, 0]])
        #expect(columns["add.partitionValues.key_value.value"]?.values == .strings([]))
        // No tags and no stats: add only.
        #expect(levels("add.tags.key_value.key") == [[0, 0, 1], [0, 0, 0]])
        #expect(levels("add.stats") == [[0, 0, 1], [0, 0, 0]])
        #expect(levels("add.size") == [[0, 0, 2], [0, 0, 0]])
        #expect(columns["add.size"]?.values == .int64([10]))
        #expect(levels("txn.appId") == [[0, 0, 0], [0, 0, 0]])
    }

    @Test func aValueThatDoesNotFitTheSchemaIsRefused() throws {
        let writer = try ParquetNestedFileWriter(schema: [.leaf("n", .int64, .required)], createdBy: "test")
        var shredder = CheckpointShredder(schema: writer.schema, leaves: writer.leaves)
        #expect(throws: DeltaCheckpointError.shape("required field n is NULL")) { try shredder.append(row: [.null]) }
        #expect(throws: DeltaCheckpointError.shape("leaf n of type int64 was given string(\"x\")")) {
            try shredder.append(row: [.string("x")])
        }
    }
}
