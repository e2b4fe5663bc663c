import Foundation
@testable import ParquetWriter
import TestSupport
import Testing

/// The merged file statistics against an independent reader: pyarrow computes each column's
/// minimum, maximum and NULL count from the values it reads back (pyarrow.compute.min_max, not
/// the footer), and they must be exactly the writer's ``ParquetFileWriter/fileStatistics`` for a
/// file of many row groups.
@Suite(.enabled(if: ReaderPython.shouldRun, "no Parquet reader venv: run scripts/install-parquet-readers.sh"))
struct FileStatisticsReaderTests {
    static let script = #"""
    # Prints each column's NULL count and pyarrow's computed min/max of its values, as text:
    # integers and timestamps (epoch microseconds) as digits, decimals as their unscaled integer.
    import json, sys
    import pyarrow as pa, pyarrow.parquet as pq, pyarrow.compute as pc
    pf = pq.ParquetFile(sys.argv[1])
    table = pf.read()
    out = {"num_rows": table.num_rows, "row_groups": pf.metadata.num_row_groups, "columns": {}}
    def text(value, typ):
        if pa.types.is_decimal(typ):
            t = value.as_tuple()
            n = int("".join(map(str, t.digits))) * 10 ** (t.exponent + typ.scale)
            return str(-n if t.sign else n)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    for name in table.column_names:
        col = table.column(name)
        entry = {"null_count": col.null_count}
        if pa.types.is_timestamp(col.type):
            col = col.cast(pa.int64())
        if col.null_count < len(col):
            mm = pc.min_max(col).as_py()
            entry["min"] = text(mm["min"], col.type)
            entry["max"] = text(mm["max"], col.type)
        out["columns"][name] = entry
    json.dump(out, sys.stdout)
    """#

    @Test func mergedBoundsEqualPyarrowsComputedMinAndMax() throws {
        let columns = [
            ParquetColumn(name: "n", type: .int64),
            ParquetColumn(name: "s", type: .string),
            ParquetColumn(name: "wide", type: .decimal(precision: 30, scale: 4)),
            ParquetColumn(name: "narrow", type: .decimal(precision: 9, scale: 2)),
            ParquetColumn(name: "mid", type: .decimal(precision: 18, scale: 6)),
            ParquetColumn(name: "at", type: .timestampMicrosUTC),
            ParquetColumn(name: "b", type: .boolean),
            ParquetColumn(name: "none", type: .string),
        ]
        var options = ParquetWriterOptions(createdBy: "flexprice-exporter version 1.2.3 (build abc)")
        options.rowGroupBytes = 2 << 10
        var writer = try ParquetFileWriter(columns: columns, options: options)
        var file: [UInt8] = []
        var state: UInt64 = 42
        func next() -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64(bitPattern: state >> 1)
        }
        for row in 0..<3_000 {
            let r = next()
            if row % 7 == 3 { try writer.appendNull() } else { try writer.append(r >> 9 - (1 << 52)) }
            if row % 11 == 5 { try writer.appendNull() } else { try writer.append("v-\(r % 997)-é") }
            try appendDecimal("\(r % 2 == 0 ? "-" : "")\(r % 100_000_000_000_000_000).\(r % 10_000)", to: &writer)
            try appendDecimal("\(r % 3 == 0 ? "-" : "")\(r % 9_999_999).\(r % 89 + 10)", to: &writer)
            if row % 13 == 0 { try writer.appendNull() } else {
                try appendDecimal("\(r % 5 == 0 ? "-" : "")\(r % 999_999_999_999).\(r % 999_983)", to: &writer)
            }
            try writer.append(r % 4_000_000_000_000_000 - 1_000_000_000_000_000)
            if row % 5 == 0 { try writer.appendNull() } else { try writer.append(r % 3 != 0) }
            try writer.appendNull()
            try writer.endRow()
            while let segment = writer.takeSegment() { file += segment.bytes }
        }
        file += try writer.finish().bytes
        #expect(writer.fileMetaData.rowGroups.count > 10)

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parquet-file-stats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("stats.parquet").path
        try Data(file).write(to: URL(fileURLWithPath: path))
        let result = try ReaderPython.run(script: Self.script, named: "file_stats.py", arguments: [path], in: directory)
        #expect(result["num_rows"] as? Int == 3_000)
        #expect(result["row_groups"] as? Int == writer.fileMetaData.rowGroups.count)
        let read = try #require(result["columns"] as? [String: [String: Any]])
        for (column, stats) in zip(columns, writer.fileStatistics) {
            let entry = try #require(read[column.name], "pyarrow did not read \(column.name)")
            #expect(entry["null_count"] as? Int == Int(stats.nullCount ?? -1), "\(column.name)")
            #expect(entry["min"] as? String == stats.minValue.map { text($0, column.type) }, "\(column.name) min")
            #expect(entry["max"] as? String == stats.maxValue.map { text($0, column.type) }, "\(column.name) max")
            #expect(stats.isMinValueExact != false && stats.isMaxValueExact != false, "\(column.name)")
        }
    }

    func appendDecimal(_ text: String, to writer: inout ParquetFileWriter) throws {
        var text = text
        try text.withUTF8 { try writer.append(decimalText: UnsafeRawBufferPointer($0)) }
    }

    /// A PLAIN statistics value as the script prints it.
    func text(_ bytes: [UInt8], _ type: ParquetColumnType) -> String {
        func littleEndian(_ bytes: [UInt8]) -> Int64 {
            let value = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            return bytes.count == 4 ? Int64(Int32(truncatingIfNeeded: value)) : Int64(bitPattern: value)
        }
        switch type {
        case .string, .json: return String(decoding: bytes, as: UTF8.self)
        case .boolean: return bytes == [1] ? "true" : "false"
        case .int64, .timestampMicrosUTC: return String(littleEndian(bytes))
        case .decimal:
            if bytes.count == 16 {
                return String(Int128(bitPattern: bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }))
            }
            return String(littleEndian(bytes))
        }
    }
}
