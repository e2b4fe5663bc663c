import Foundation
import Testing
import TestSupport

/// Exported Parquet files read back by pyarrow, DuckDB and fastparquet (``parquetReadbackScript``)
/// and checked against a ``WindowSnapshot`` of PostgreSQL: every cell, the column types, the
/// footer's schema and codec, and the statistics.
struct ParquetReadback {
    static let readers = ["pyarrow", "duckdb", "fastparquet"]
    /// The writer's statistics truncation length: longer string bounds are cut and marked inexact.
    static let statisticsTruncateLength = 64

    let result: [String: Any]

    /// Runs the readers over `groups` (see ``WindowSnapshot/readbackGroup(name:files:)``), with
    /// the spec and script written into `directory`.
    static func run(_ groups: [[String: Any]], in directory: URL) throws -> ParquetReadback {
        let spec = directory.appendingPathComponent("readback-spec.json")
        try JSONSerialization.data(withJSONObject: ["groups": groups]).write(to: spec)
        let result = try ReaderPython.run(script: parquetReadbackScript, named: "parquet_readback.py",
                                          arguments: [spec.path], in: directory)
        return ParquetReadback(result: result)
    }

    /// pyarrow's footer metadata of `file`, or nil (recorded as an issue) when it failed.
    func metadata(_ file: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any]? {
        let entry = ((result["files"] as? [String: Any])?[file] as? [String: Any])?["pyarrow"] as? [String: Any]
        guard let entry, entry["error"] == nil else {
            Issue.record("pyarrow could not read the metadata of \(file): \(String(describing: entry))", sourceLocation: sourceLocation)
            return nil
        }
        return entry
    }

    /// fastparquet's `is_min_value_exact`/`is_max_value_exact` and encoding stats per row group
    /// and column of `file`.
    func layout(_ file: String) -> [[[String: Any]]] {
        ((result["files"] as? [String: Any])?[file] as? [String: Any])?["fastparquet"] as? [[[String: Any]]] ?? []
    }

    /// Every reader returned exactly the snapshot's rows for `group`: the same row count, every
    /// cell compared and equal, the columns in DESIGN §2 order, and the Arrow and DuckDB types
    /// DESIGN §5a gives each column.
    func expectValues(group: String, equal snapshot: WindowSnapshot, sourceLocation: SourceLocation = #_sourceLocation) {
        let verdicts = (result["groups"] as? [String: Any])?[group] as? [String: Any]
        let names = snapshot.columns.map(\.name)
        #expect(names == DesignEntityTable.of(snapshot.entity).columns, sourceLocation: sourceLocation)
        for reader in Self.readers {
            guard let verdict = verdicts?[reader] as? [String: Any] else {
                Issue.record("\(group): no verdict from \(reader)", sourceLocation: sourceLocation)
                continue
            }
            if let error = verdict["error"] {
                Issue.record("\(group): \(reader) failed: \(error)\n\(verdict["trace"] ?? "")", sourceLocation: sourceLocation)
                continue
            }
            #expect(integer(verdict["num_rows"]) == snapshot.rows.count, "\(group) \(reader): row count", sourceLocation: sourceLocation)
            #expect(integer(verdict["compared"]) == snapshot.rows.count * names.count,
                    "\(group) \(reader): every cell compared", sourceLocation: sourceLocation)
            #expect(integer(verdict["mismatch_count"]) == 0,
                    "\(group) \(reader): \(verdict["mismatch_count"] ?? "?") cells differ from PostgreSQL: \(verdict["mismatches"] ?? [String]())",
                    sourceLocation: sourceLocation)
            for file in verdict["files"] as? [[String: Any]] ?? [] {
                let label = "\(group) \(reader) \((file["path"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } ?? "?")"
                #expect(file["columns"] as? [String] == names, "\(label): columns in DESIGN §2 order", sourceLocation: sourceLocation)
                let types = file["types"] as? [String: String] ?? [:]
                for column in snapshot.columns {
                    switch reader {
                    case "pyarrow":
                        #expect(types[column.name] == column.kind.arrowType,
                                "\(label) \(column.name) (\(column.dataType)): \(types[column.name] ?? "absent")", sourceLocation: sourceLocation)
                    case "duckdb":
                        #expect(types[column.name] == column.kind.duckDBType,
                                "\(label) \(column.name) (\(column.dataType)): \(types[column.name] ?? "absent")", sourceLocation: sourceLocation)
                    default:
                        break
                    }
                }
            }
        }
    }

    /// The footer of `file`: every column OPTIONAL with DESIGN §5a's physical, converted and
    /// logical type, `created_by` in the spec's form, and every column chunk in `codec`.
    func expectFooter(_ file: String, snapshot: WindowSnapshot, codec: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let metadata = metadata(file, sourceLocation: sourceLocation) else { return }
        let name = URL(fileURLWithPath: file).lastPathComponent
        #expect((metadata["created_by"] as? String)?.hasPrefix("flexprice-exporter version ") == true,
                "\(name): created_by \(metadata["created_by"] ?? "absent")", sourceLocation: sourceLocation)
        let schema = metadata["schema"] as? [[String: Any]] ?? []
        #expect(schema.compactMap { $0["name"] as? String } == snapshot.columns.map(\.name), "\(name): schema columns",
                sourceLocation: sourceLocation)
        for (element, column) in zip(schema, snapshot.columns) {
            let label = "\(name) \(column.name) (\(column.dataType))"
            #expect(element["physical_type"] as? String == column.kind.physicalType, "\(label): \(element)", sourceLocation: sourceLocation)
            #expect(element["converted_type"] as? String == column.kind.convertedType, "\(label): \(element)", sourceLocation: sourceLocation)
            #expect((element["logical_type"] as? String)?.hasPrefix(column.kind.logicalTypePrefix) == true, "\(label): \(element)",
                    sourceLocation: sourceLocation)
            #expect(integer(element["max_definition_level"]) == 1, "\(label): OPTIONAL", sourceLocation: sourceLocation)
        }
        for group in metadata["row_groups"] as? [[String: Any]] ?? [] {
            for chunk in group["columns"] as? [[String: Any]] ?? [] {
                #expect(chunk["compression"] as? String == codec, "\(name) \(chunk["path"] ?? "?"): codec", sourceLocation: sourceLocation)
            }
        }
    }

    /// The row groups of `files` (a window's file, or its rollover parts in order).
    func rowGroups(_ files: [String]) -> [[String: Any]] {
        files.flatMap { metadata($0)?["row_groups"] as? [[String: Any]] ?? [] }
    }

    /// The statistics of every column chunk in `files`, taken together, against PostgreSQL's
    /// own figures for the window: null_count sums to the NULL count, num_values (NULLs
    /// included) to the row count, and the bounds meet at PostgreSQL's min and max: exact for
    /// integers, booleans, timestamps, decimals and strings of up to 64 bytes; for a longer
    /// string a prefix of at most 64 bytes below the min and a bound above the max.
    func expectStatistics(_ files: [String], snapshot: WindowSnapshot, sourceLocation: SourceLocation = #_sourceLocation) {
        let groups = rowGroups(files)
        #expect(groups.reduce(0) { $0 + (integer($1["num_rows"]) ?? 0) } == snapshot.rows.count,
                "the row groups hold the window's rows", sourceLocation: sourceLocation)
        let limit = Self.statisticsTruncateLength
        for (index, column) in snapshot.columns.enumerated() {
            let label = "\(snapshot.entity.rawValue) \(column.name) (\(column.dataType))"
            let chunks = groups.compactMap { ($0["columns"] as? [[String: Any]])?[safe: index] }
            #expect(chunks.count == groups.count, "\(label): a chunk in every row group", sourceLocation: sourceLocation)
            let want = snapshot.bounds[index]
            #expect(chunks.reduce(0) { $0 + (integer($1["null_count"]) ?? -1_000_000) } == want.nullCount,
                    "\(label): null_count", sourceLocation: sourceLocation)
            #expect(chunks.reduce(0) { $0 + (integer($1["num_values"]) ?? 0) } == snapshot.rows.count,
                    "\(label): num_values counts NULLs", sourceLocation: sourceLocation)
            let withBounds = chunks.filter { $0["has_min_max"] as? Bool == true }
            let lows = withBounds.compactMap { bound($0["min"], kind: column.kind) }
            let highs = withBounds.compactMap { bound($0["max"], kind: column.kind) }
            #expect(lows.count == withBounds.count && highs.count == withBounds.count, "\(label): readable bounds \(withBounds)",
                    sourceLocation: sourceLocation)
            guard let wantLow = want.min, let wantHigh = want.max else {
                #expect(withBounds.isEmpty, "\(label): bounds on a column of NULLs only", sourceLocation: sourceLocation)
                continue
            }
            guard let low = lows.min(by: precedes), let high = highs.max(by: precedes) else {
                Issue.record("\(label): no bounds, PostgreSQL has \(wantLow) .. \(wantHigh)", sourceLocation: sourceLocation)
                continue
            }
            if case .bytes(let trueLow) = wantLow, trueLow.count > limit, case .bytes(let got) = low {
                #expect(got.count <= limit && trueLow.starts(with: got), "\(label): min \(got.count) bytes, a prefix of PostgreSQL's",
                        sourceLocation: sourceLocation)
            } else {
                #expect(low == wantLow, "\(label): min \(low), PostgreSQL \(wantLow)", sourceLocation: sourceLocation)
            }
            if case .bytes(let trueHigh) = wantHigh, trueHigh.count > limit, case .bytes(let got) = high {
                #expect(got.count <= limit && trueHigh.lexicographicallyPrecedes(got),
                        "\(label): max \(got.count) bytes, above PostgreSQL's", sourceLocation: sourceLocation)
            } else {
                #expect(high == wantHigh, "\(label): max \(high), PostgreSQL \(wantHigh)", sourceLocation: sourceLocation)
            }
            // One row group: its string bounds are the window's, so their exactness flags must say
            // whether they were truncated (read through fastparquet's own Thrift parser).
            if groups.count == 1, files.count == 1, column.kind == .string || column.kind == .json,
               case .bytes(let trueLow) = wantLow, case .bytes(let trueHigh) = wantHigh {
                let flags = layout(files[0]).first?[safe: index]
                #expect(flags?["is_min_value_exact"] as? Bool == (trueLow.count <= limit), "\(label): min exactness \(flags ?? [:])",
                        sourceLocation: sourceLocation)
                #expect(flags?["is_max_value_exact"] as? Bool == (trueHigh.count <= limit), "\(label): max exactness \(flags ?? [:])",
                        sourceLocation: sourceLocation)
            }
        }
    }

    /// A bound from the script's JSON in the kind's shape.
    func bound(_ value: Any?, kind: SnapshotColumn.Kind) -> ColumnBounds.Bound? {
        switch kind {
        case .int, .micros: ((value as? [String: Any])?["int"] as? String).map { .int($0) }
        case .bool: (value as? Bool).map { .bool($0) }
        case .decimal: ((value as? [String: Any])?["decimal"] as? String).map { .decimal($0) }
        case .string, .json: ((value as? [String: Any])?["hex"] as? String).map { .bytes(hexBytes($0)) }
        }
    }

    /// The order the statistics use: signed integers, false < true, decimals by value, bytes
    /// unsigned lexicographically.
    func precedes(_ a: ColumnBounds.Bound, _ b: ColumnBounds.Bound) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): (Int64(x) ?? .max) < (Int64(y) ?? .max)
        case (.bool(let x), .bool(let y)): !x && y
        case (.decimal(let x), .decimal(let y)): decimalPrecedes(x, y)
        case (.bytes(let x), .bytes(let y)): x.lexicographicallyPrecedes(y)
        default: false
        }
    }

    func integer(_ value: Any?) -> Int? {
        if let number = value as? NSNumber { return number.intValue }
        if let text = value as? String { return Int(text) }
        return nil
    }
}

/// Whether decimal text `a` is below `b` by value (plain `[-]digits[.digits]`, any scales).
func decimalPrecedes(_ a: String, _ b: String) -> Bool {
    func parts(_ text: String) -> (negative: Bool, integer: String, fraction: String) {
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let split = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var integer = String(split.first ?? "0")
        while integer.count > 1 && integer.hasPrefix("0") { integer.removeFirst() }
        var fraction = split.count > 1 ? String(split[1]) : ""
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let zero = integer == "0" && fraction.isEmpty
        return (negative && !zero, integer, fraction)
    }
    let (x, y) = (parts(a), parts(b))
    func magnitudeBelow(_ p: (negative: Bool, integer: String, fraction: String),
                        _ q: (negative: Bool, integer: String, fraction: String)) -> Bool {
        if p.integer.count != q.integer.count { return p.integer.count < q.integer.count }
        if p.integer != q.integer { return p.integer < q.integer }
        return p.fraction < q.fraction // digit strings without trailing zeros compare lexicographically
    }
    switch (x.negative, y.negative) {
    case (true, false): return true
    case (false, true): return false
    case (false, false): return magnitudeBelow(x, y)
    case (true, true): return magnitudeBelow(y, x)
    }
}
