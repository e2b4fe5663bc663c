import Foundation
@testable import ParquetWriter
import TestSupport
import Testing

/// ``ParquetNestedFileWriter`` on a hand-shredded example: a struct with a string, a map and a
/// list, next to a required top-level integer. The levels below were worked out by hand from the
/// rows in ``NestedExample/expectedRows``.
enum NestedExample {
    /// ```
    /// optional group a {
    ///   optional binary name (STRING);
    ///   optional group tags (MAP) { repeated group key_value { required binary key (STRING); optional binary value (STRING) } }
    ///   optional group items (LIST) { repeated group list { optional int64 element } }
    /// }
    /// required int32 n;
    /// ```
    static let schema: [ParquetSchemaNode] = [
        .group("a", [
            .leaf("name", .string),
            .map("tags"),
            .list("items", elementType: .int64),
        ]),
        .leaf("n", .int32, .required),
    ]

    /// Row 1: a = {name "x", tags {k1: v1, k2: NULL}, items [1, NULL, 3]}, n 10
    /// Row 2: a = NULL, n 20
    /// Row 3: a = {name NULL, tags NULL, items []}, n 30
    /// Row 4: a = {name "y", tags {}, items [7]}, n 40
    static let columns: [ParquetLeafColumn] = [
        // a.name: defined 2, NULL name 1, NULL a 0.
        ParquetLeafColumn(definitionLevels: [2, 0, 1, 2], values: .strings(["x", "y"])),
        // a.tags.key_value.key: k1, k2 (repeats at 1); NULL a 0; NULL tags 1; empty tags 2.
        ParquetLeafColumn(
            definitionLevels: [3, 3, 0, 1, 2], repetitionLevels: [0, 1, 0, 0, 0], values: .strings(["k1", "k2"])),
        // a.tags.key_value.value: v1 4, NULL value 3, then as the key.
        ParquetLeafColumn(
            definitionLevels: [4, 3, 0, 1, 2], repetitionLevels: [0, 1, 0, 0, 0], values: .strings(["v1"])),
        // a.items.list.element: 1, NULL, 3; NULL a; empty list 2; 7.
        ParquetLeafColumn(
            definitionLevels: [4, 3, 4, 0, 2, 4], repetitionLevels: [0, 1, 1, 0, 0, 0], values: .int64([1, 3, 7])),
        // n: required at the top, so no level can be below 0.
        ParquetLeafColumn(definitionLevels: [0, 0, 0, 0], values: .int32([10, 20, 30, 40])),
    ]

    static let expectedRows = """
    [{"a": {"name": "x", "tags": {"k1": "v1", "k2": null}, "items": [1, null, 3]}, "n": 10},
     {"a": null, "n": 20},
     {"a": {"name": null, "tags": null, "items": []}, "n": 30},
     {"a": {"name": "y", "tags": {}, "items": [7]}, "n": 40}]
    """
}

struct NestedFileWriterTests {
    let createdBy = "flexprice-exporter version 1.2.3 (build abc)"

    @Test func leavesCarryTheirPathsAndMaximumLevels() throws {
        let writer = try ParquetNestedFileWriter(schema: NestedExample.schema, createdBy: createdBy)
        #expect(writer.leaves.map(\.dottedPath) == [
            "a.name", "a.tags.key_value.key", "a.tags.key_value.value", "a.items.list.element", "n",
        ])
        #expect(writer.leaves.map(\.maxDefinitionLevel) == [2, 3, 4, 4, 0])
        #expect(writer.leaves.map(\.maxRepetitionLevel) == [0, 1, 1, 1, 0])
        #expect(writer.leaves.map(\.type) == [.string, .string, .string, .int64, .int32])
    }

    @Test func theSchemaIsFlattenedDepthFirstWithMapAndListAnnotations() throws {
        let writer = try ParquetNestedFileWriter(schema: NestedExample.schema, createdBy: createdBy)
        #expect(writer.schemaElements == [
            SchemaElement(name: "schema", numChildren: 2),
            SchemaElement(repetitionType: .optional, name: "a", numChildren: 3),
            SchemaElement(type: .byteArray, repetitionType: .optional, name: "name", convertedType: .utf8, logicalType: .string),
            SchemaElement(repetitionType: .optional, name: "tags", numChildren: 1, convertedType: .map, logicalType: .map),
            SchemaElement(repetitionType: .repeated, name: "key_value", numChildren: 2),
            SchemaElement(type: .byteArray, repetitionType: .required, name: "key", convertedType: .utf8, logicalType: .string),
            SchemaElement(type: .byteArray, repetitionType: .optional, name: "value", convertedType: .utf8, logicalType: .string),
            SchemaElement(repetitionType: .optional, name: "items", numChildren: 1, convertedType: .list, logicalType: .list),
            SchemaElement(repetitionType: .repeated, name: "list", numChildren: 1),
            SchemaElement(type: .int64, repetitionType: .optional, name: "element"),
            SchemaElement(type: .int32, repetitionType: .required, name: "n"),
        ])
    }

    /// The map value column's page: repetition levels (bit width 1) then definition levels (bit
    /// width 3, for a maximum of 4), each RLE-framed with its 4-byte length, then the one value.
    @Test func aPageHoldsRepetitionThenDefinitionLevelsThenValues() throws {
        let writer = try ParquetNestedFileWriter(schema: NestedExample.schema, createdBy: createdBy)
        let chunk = try NestedColumnChunkEncoder.encode(
            writer.leaves[2], NestedExample.columns[2], codec: .uncompressed, maxValuesPerPage: 100,
            statisticsTruncateLength: 64)
        #expect(chunk.pages.count == 1)
        // [0,1,0,0,0]: one bit-packed group (header 0b11), bits 0b00010.
        // [4,3,0,1,2]: one bit-packed group of 3-bit values: 100 011 000 001 010 (LSB first) = 0x00221C.
        #expect(hexString(chunk.pages[0].body) == hexString(hex("""
            02000000 03 02
            04000000 03 1C 22 00
            02000000 76 31
            """)))
        #expect(chunk.pages[0].header.dataPageHeader?.numValues == 5)
        #expect(chunk.metaData.numValues == 5)
        #expect(chunk.metaData.pathInSchema == ["a", "tags", "key_value", "value"])
        #expect(chunk.metaData.statistics?.nullCount == 4)
        #expect(chunk.metaData.statistics?.minValue == Array("v1".utf8))
        // A required top-level leaf has no levels at all: the page is its values.
        let required = try NestedColumnChunkEncoder.encode(
            writer.leaves[4], NestedExample.columns[4], codec: .uncompressed, maxValuesPerPage: 100,
            statisticsTruncateLength: 64)
        #expect(required.pages[0].body == [10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0, 40, 0, 0, 0])
        #expect(required.metaData.statistics == Statistics(
            max: [40, 0, 0, 0], min: [10, 0, 0, 0], nullCount: 0, maxValue: [40, 0, 0, 0], minValue: [10, 0, 0, 0],
            isMaxValueExact: true, isMinValueExact: true))
    }

    /// Pages are cut only where a row starts, so a list never spans two pages.
    @Test func pagesAreCutAtRowStarts() throws {
        let writer = try ParquetNestedFileWriter(schema: NestedExample.schema, createdBy: createdBy)
        let chunk = try NestedColumnChunkEncoder.encode(
            writer.leaves[3], NestedExample.columns[3], codec: .uncompressed, maxValuesPerPage: 2,
            statisticsTruncateLength: 64)
        // Entries [4,3,4 | 0,2 | 4]: the first row's three entries stay together.
        #expect(chunk.pages.map { $0.header.dataPageHeader?.numValues } == [3, 2, 1])
        // By bytes: each page ends at the first row start after 8 bytes of values (one Int64).
        let byBytes = try NestedColumnChunkEncoder.encode(
            writer.leaves[3], NestedExample.columns[3], codec: .uncompressed, maxValuesPerPage: 100, pageSizeBytes: 8,
            statisticsTruncateLength: 64)
        // [4,3,4 | 0,2,4]: the first row's first value fills the budget; no value in rows 2 and 3.
        #expect(byBytes.pages.map { $0.header.dataPageHeader?.numValues } == [3, 3])
        // Each page's values are its own: 1 and 3, then 7.
        #expect(byBytes.pages.map { Array($0.body.suffix(8)) } == [PlainEncoder.encode(int64: 3), PlainEncoder.encode(int64: 7)])
    }

    @Test func theFileFramesOneRowGroup() throws {
        let writer = try ParquetNestedFileWriter(schema: NestedExample.schema, createdBy: createdBy)
        let bytes = try writer.write(NestedExample.columns)
        #expect(Array(bytes.prefix(4)) == ParquetFileWriter.magic)
        #expect(Array(bytes.suffix(4)) == ParquetFileWriter.magic)
        let empty = try writer.write([
            ParquetLeafColumn(definitionLevels: [], values: .strings([])),
            ParquetLeafColumn(definitionLevels: [], values: .strings([])),
            ParquetLeafColumn(definitionLevels: [], values: .strings([])),
            ParquetLeafColumn(definitionLevels: [], values: .int64([])),
            ParquetLeafColumn(definitionLevels: [], values: .int32([])),
        ])
        // No rows: no row group, the schema alone.
        let footer = ThriftCompactWriter.serialize(FileMetaData(
            schema: writer.schemaElements, numRows: 0, rowGroups: [], createdBy: createdBy,
            columnOrders: Array(repeating: .typeDefinedOrder, count: 5)))
        #expect(empty == ParquetFileWriter.magic + footer + PlainEncoder.encode(int32: Int32(footer.count))
            + ParquetFileWriter.magic)
    }

    @Test func levelsThatDoNotFitTheSchemaAreRefused() throws {
        let writer = try ParquetNestedFileWriter(schema: NestedExample.schema, createdBy: createdBy)
        func replacing(_ index: Int, with column: ParquetLeafColumn) -> [ParquetLeafColumn] {
            var columns = NestedExample.columns
            columns[index] = column
            return columns
        }
        // A definition level over the leaf's maximum.
        #expect(throws: ParquetWriterError.invalidLevels(column: "a.name", reason: "definition level 3 over the maximum 2")) {
            try writer.write(replacing(0, with: ParquetLeafColumn(definitionLevels: [3, 0, 1, 2], values: .strings(["x", "y"]))))
        }
        // More values than defined entries.
        #expect(throws: ParquetWriterError.invalidLevels(column: "a.name", reason: "2 entries are defined but 3 values were given")) {
            try writer.write(replacing(0, with: ParquetLeafColumn(definitionLevels: [2, 0, 1, 2], values: .strings(["x", "y", "z"]))))
        }
        // A repeated leaf without repetition levels.
        #expect(throws: ParquetWriterError.invalidLevels(column: "a.tags.key_value.key", reason: "is under a repeated field but has no repetition levels")) {
            try writer.write(replacing(1, with: ParquetLeafColumn(definitionLevels: [3, 3, 0, 1, 2], values: .strings(["k1", "k2"]))))
        }
        // A column with a row more than the others.
        #expect(throws: ParquetWriterError.invalidLevels(column: "a.tags.key_value.key", reason: "holds 5 rows where the first column holds 4")) {
            try writer.write(replacing(1, with: ParquetLeafColumn(
                definitionLevels: [3, 3, 0, 1, 2, 0], repetitionLevels: [0, 1, 0, 0, 0, 0], values: .strings(["k1", "k2"]))))
        }
        // The wrong kind of values.
        #expect(throws: ParquetWriterError.typeMismatch(column: "n", expected: "int32 values", got: "Int64 values")) {
            try writer.write(replacing(4, with: ParquetLeafColumn(definitionLevels: [0, 0, 0, 0], values: .int64([1, 2, 3, 4]))))
        }
        #expect(throws: ParquetWriterError.rowShape(expected: 5, got: 4)) {
            try writer.write(Array(NestedExample.columns.prefix(4)))
        }
    }

    @Test func malformedSchemasAreRefused() {
        #expect(throws: ParquetWriterError.invalidSchema("group a has no fields")) {
            try ParquetNestedFileWriter(schema: [.group("a", [])], createdBy: createdBy)
        }
        #expect(throws: ParquetWriterError.invalidSchema("field x appears twice in a")) {
            try ParquetNestedFileWriter(schema: [.group("a", [.leaf("x", .int64), .leaf("x", .string)])], createdBy: createdBy)
        }
        #expect(throws: ParquetWriterError.invalidSchema("map m must hold a required key and a value")) {
            try ParquetNestedFileWriter(schema: [.group("m", annotation: .map, [
                .group("key_value", repetition: .repeated, [.leaf("key", .string, .optional), .leaf("value", .string)]),
            ])], createdBy: createdBy)
        }
    }
}

/// The example file read back by pyarrow and DuckDB: the same rows, the footer's levels intact.
@Suite(.enabled(if: ReaderPython.shouldRun, "no Parquet reader venv: run scripts/install-parquet-readers.sh"))
struct NestedFileReaderTests {
    static let script = #"""
    import json, sys
    import pyarrow.parquet as pq

    def read(path):
        pf = pq.ParquetFile(path)
        rows = pf.read().to_pylist(maps_as_pydicts="strict")
        md = pf.metadata
        columns = []
        for g in range(md.num_row_groups):
            rg = md.row_group(g)
            for c in range(rg.num_columns):
                cc = rg.column(c)
                st = cc.statistics
                columns.append({"path": cc.path_in_schema, "max_definition_level": md.schema.column(c).max_definition_level,
                                "max_repetition_level": md.schema.column(c).max_repetition_level,
                                "null_count": st.null_count if st is not None and st.has_null_count else None,
                                "min": st.min if st is not None and st.has_min_max else None,
                                "max": st.max if st is not None and st.has_min_max else None,
                                "compression": cc.compression})
        import duckdb
        con = duckdb.connect()
        cursor = con.execute("SELECT to_json(t) FROM read_parquet(?) AS t", [path])
        duck = [json.loads(row[0]) for row in cursor.fetchall()]
        return {"rows": rows, "num_rows": md.num_rows, "columns": columns, "duckdb": duck,
                "created_by": md.created_by}

    json.dump({path: read(path) for path in sys.argv[1:]}, sys.stdout)
    """#

    func canonical(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: [false, true]) func theExampleReadsBackAsWritten(gzip: Bool) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parquet-nested-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var writer = try ParquetNestedFileWriter(
            schema: NestedExample.schema, codec: gzip ? StoredGzipPageCodec() : UncompressedPageCodec(),
            createdBy: "flexprice-exporter version 1.2.3 (build abc)")
        // Small pages too, so the reader crosses page boundaries inside a column.
        writer.maxValuesPerPage = 2
        let path = directory.appendingPathComponent("nested.parquet").path
        try Data(try writer.write(NestedExample.columns)).write(to: URL(fileURLWithPath: path))
        let output = try ReaderPython.run(script: Self.script, named: "read_nested.py", arguments: [path], in: directory)
        let result = try #require(output[path] as? [String: Any])
        let expected = try JSONSerialization.jsonObject(with: Data(NestedExample.expectedRows.utf8))
        #expect(try canonical(result["rows"] ?? []) == canonical(expected))
        #expect(try canonical(result["duckdb"] ?? []) == canonical(expected))
        #expect(result["num_rows"] as? Int == 4)
        let columns = try #require(result["columns"] as? [[String: Any]])
        #expect(columns.map { $0["path"] as? String } == [
            "a.name", "a.tags.key_value.key", "a.tags.key_value.value", "a.items.list.element", "n",
        ])
        #expect(columns.map { $0["max_definition_level"] as? Int } == [2, 3, 4, 4, 0])
        #expect(columns.map { $0["max_repetition_level"] as? Int } == [0, 1, 1, 1, 0])
        #expect(columns.map { $0["null_count"] as? Int } == [2, 3, 4, 3, 0])
        #expect(columns[3]["min"] as? Int == 1 && columns[3]["max"] as? Int == 7)
        #expect(columns[1]["min"] as? String == "k1" && columns[1]["max"] as? String == "k2")
        #expect(columns.allSatisfy { $0["compression"] as? String == (gzip ? "GZIP" : "UNCOMPRESSED") })
    }
}
