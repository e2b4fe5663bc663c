import Foundation
@testable import ParquetWriter
import Testing

/// Compares one file's reader output (see ``readerScript``) with the fixture it was written from:
/// every value as each reader saw it, pyarrow's row-group statistics against the data, and the
/// footer's layout as fastparquet's Thrift parser decoded it against the file's bytes.
struct ReaderChecks {
    let fixture: ReaderFixture
    let fileBytes: [UInt8]
    let result: [String: Any]

    static let readers = ["pyarrow", "duckdb", "fastparquet"]

    func run() {
        for reader in Self.readers {
            guard let output = result[reader] as? [String: Any] else {
                Issue.record("\(fixture.name): no output from \(reader)")
                continue
            }
            if let error = output["error"] {
                Issue.record("\(fixture.name): \(reader) failed: \(error)\n\(output["trace"] ?? "")")
                continue
            }
            checkValues(reader: reader, output: output)
        }
        if let pyarrow = result["pyarrow"] as? [String: Any], pyarrow["error"] == nil {
            checkMetadata(pyarrow)
        }
        if let fastparquet = result["fastparquet"] as? [String: Any], fastparquet["error"] == nil {
            checkLayout(fastparquet)
        }
    }

    // MARK: Values

    func checkValues(reader: String, output: [String: Any]) {
        #expect(int(output["num_rows"]) == fixture.rows.count, "\(fixture.name) \(reader): row count")
        guard let columns = output["columns"] as? [String: Any] else {
            Issue.record("\(fixture.name) \(reader): no columns")
            return
        }
        #expect(Set(columns.keys) == Set(fixture.columns.map(\.name)), "\(fixture.name) \(reader): columns")
        for (index, column) in fixture.columns.enumerated() {
            guard let values = columns[column.name] as? [Any], values.count == fixture.rows.count else {
                Issue.record("\(fixture.name) \(reader): column \(column.name) missing or short")
                continue
            }
            var mismatches = 0
            for (row, cells) in fixture.rows.enumerated() {
                let expected = cells[index]
                if !matches(values[row], expected, column: column, reader: reader) {
                    mismatches += 1
                    if mismatches <= 3 {
                        Issue.record(
                            "\(fixture.name) \(reader): \(column.name) row \(row): read \(values[row]), wrote \(expected)")
                    }
                }
            }
            #expect(mismatches == 0, "\(fixture.name) \(reader): \(column.name) has \(mismatches) mismatches")
        }
    }

    func matches(_ read: Any, _ expected: TestCell, column: ParquetColumn, reader: String) -> Bool {
        switch expected {
        case .null:
            return read is NSNull
        case .text(let text):
            if column.type == .json && reader == "fastparquet" {
                // fastparquet decodes JSON-annotated columns into Python objects; re-serialised
                // with json.dumps' default separators they must give back PostgreSQL's text.
                return (read as? [String: Any])?["parsed_json"] as? String == text
            }
            return read as? String == text
        case .int(let value):
            return tagged(read, "int") == String(value)
        case .micros(let value):
            return tagged(read, "micros") == String(value)
        case .bool(let value):
            return (read as? Bool) == value
        case .decimal(let unscaled):
            guard case .decimal(_, let scale) = column.type else { return false }
            let text = renderDecimal(unscaled, scale: scale)
            if reader == "fastparquet" {
                // fastparquet turns decimals into float64: equal to within a double's precision.
                guard let read = tagged(read, "float").flatMap(Double.init), let wanted = Double(text) else {
                    return false
                }
                return wanted == 0 ? read == 0 : abs(read - wanted) <= abs(wanted) * 1e-15
            }
            return tagged(read, "decimal") == text
        }
    }

    // MARK: Metadata and statistics (pyarrow)

    func checkMetadata(_ pyarrow: [String: Any]) {
        #expect(pyarrow["created_by"] as? String == fixture.options.createdBy)
        let codecName = fixture.codec.codec == .gzip ? "GZIP" : "UNCOMPRESSED"
        let groups = pyarrow["row_groups"] as? [[String: Any]] ?? []
        let groupRows = groups.map { int($0["num_rows"]) ?? -1 }
        #expect(groupRows.reduce(0, +) == fixture.rows.count, "\(fixture.name): row groups cover the rows")
        if fixture.rows.isEmpty { #expect(groups.isEmpty, "an empty file has no row group") }
        var firstRow = 0
        for (groupIndex, group) in groups.enumerated() {
            let rows = Array(fixture.rows[firstRow..<(firstRow + groupRows[groupIndex])])
            firstRow += groupRows[groupIndex]
            let chunks = group["columns"] as? [[String: Any]] ?? []
            #expect(chunks.count == fixture.columns.count)
            var uncompressed = 0
            for (index, column) in fixture.columns.enumerated() where index < chunks.count {
                let chunk = chunks[index]
                let label = "\(fixture.name) group \(groupIndex) \(column.name)"
                uncompressed += int(chunk["total_uncompressed_size"]) ?? 0
                #expect(int(chunk["num_values"]) == rows.count, "\(label): num_values counts NULLs")
                #expect(chunk["compression"] as? String == codecName, "\(label): codec")
                let cells = rows.map { $0[index] }
                let nulls = cells.filter { $0 == .null }.count
                #expect(int(chunk["null_count"]) == nulls, "\(label): null_count")
                checkBounds(chunk, cells: cells, column: column, label: label)
            }
            #expect(int(group["total_byte_size"]) == uncompressed, "\(fixture.name) group \(groupIndex): total_byte_size")
        }
    }

    func checkBounds(_ chunk: [String: Any], cells: [TestCell], column: ParquetColumn, label: String) {
        let hasMinMax = chunk["has_min_max"] as? Bool ?? false
        let values = cells.filter { $0 != .null }
        guard !values.isEmpty else {
            #expect(!hasMinMax, "\(label): no bounds without values")
            return
        }
        let limit = fixture.options.statisticsTruncateLength
        switch column.type {
        case .string, .json:
            let texts = values.compactMap { if case .text(let text) = $0 { Array(text.utf8) } else { nil } }
            let trueMin = texts.min { $0.lexicographicallyPrecedes($1) } ?? []
            let trueMax = texts.max { $0.lexicographicallyPrecedes($1) } ?? []
            if column.type == .json && (trueMin.count > limit || trueMax.count > limit) {
                #expect(!hasMinMax, "\(label): JSON bounds only when they fit whole")
                return
            }
            #expect(hasMinMax, "\(label): bounds")
            guard let minimum = rawBytes(chunk["min_raw"]), let maximum = rawBytes(chunk["max_raw"]) else {
                Issue.record("\(label): bounds missing")
                return
            }
            if trueMin.count <= limit {
                #expect(minimum == trueMin, "\(label): exact min")
            } else {
                #expect(minimum.count <= limit && trueMin.starts(with: minimum), "\(label): min is a prefix")
            }
            if trueMax.count <= limit {
                #expect(maximum == trueMax, "\(label): exact max")
            } else {
                #expect(maximum.count <= limit && trueMax.lexicographicallyPrecedes(maximum), "\(label): max above")
            }
            #expect(String(validating: minimum, as: UTF8.self) != nil && String(validating: maximum, as: UTF8.self) != nil,
                    "\(label): bounds are UTF-8")
        case .int64, .timestampMicrosUTC:
            let numbers = values.compactMap { cell -> Int64? in
                switch cell {
                case .int(let value), .micros(let value): value
                default: nil
                }
            }
            #expect(tagged(chunk["min_raw"], "int") == numbers.min().map(String.init), "\(label): min")
            #expect(tagged(chunk["max_raw"], "int") == numbers.max().map(String.init), "\(label): max")
        case .boolean:
            let flags = values.compactMap { if case .bool(let value) = $0 { value } else { nil } }
            #expect(chunk["min_raw"] as? Bool == !flags.contains(false), "\(label): min")
            #expect(chunk["max_raw"] as? Bool == flags.contains(true), "\(label): max")
        case .decimal(let precision, let scale):
            let numbers = values.compactMap { if case .decimal(let value) = $0 { value } else { nil } }
            guard let low = numbers.min(), let high = numbers.max() else { return }
            if precision <= 18 {
                #expect(tagged(chunk["min_raw"], "int") == String(low), "\(label): min")
                #expect(tagged(chunk["max_raw"], "int") == String(high), "\(label): max")
            } else {
                #expect(rawBytes(chunk["min_raw"]) == ParquetDecimal.bigEndianBytes(low), "\(label): min")
                #expect(rawBytes(chunk["max_raw"]) == ParquetDecimal.bigEndianBytes(high), "\(label): max")
            }
            #expect(tagged(chunk["min"], "decimal") == renderDecimal(low, scale: scale), "\(label): logical min")
            #expect(tagged(chunk["max"], "decimal") == renderDecimal(high, scale: scale), "\(label): logical max")
        }
    }

    // MARK: Layout (fastparquet's Thrift parser)

    func checkLayout(_ fastparquet: [String: Any]) {
        #expect(int(fastparquet["version"]) == 1)
        #expect(fastparquet["column_orders"] as? [String] == Array(repeating: "TYPE_ORDER", count: fixture.columns.count))
        // The footer: its length sits in the 4 bytes before the closing magic.
        #expect(Array(fileBytes.prefix(4)) == ParquetFileWriter.magic && Array(fileBytes.suffix(4)) == ParquetFileWriter.magic)
        let lengthBytes = fileBytes.count >= 8 ? Array(fileBytes[(fileBytes.count - 8)..<(fileBytes.count - 4)]) : []
        let footerLength = lengthBytes.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let footerStart = fileBytes.count - 8 - footerLength
        let groups = fastparquet["layout"] as? [[String: Any]] ?? []
        var expectedStart = 4
        let strings = Set(fixture.columns.indices.filter {
            fixture.columns[$0].type == .string || fixture.columns[$0].type == .json
        })
        for (groupIndex, group) in groups.enumerated() {
            let label = "\(fixture.name) group \(groupIndex)"
            #expect(int(group["file_offset"]) == expectedStart, "\(label): RowGroup.file_offset")
            #expect(int(group["ordinal"]) == groupIndex, "\(label): ordinal")
            let groupStart = expectedStart
            for (index, chunk) in (group["columns"] as? [[String: Any]] ?? []).enumerated() {
                let chunkLabel = "\(label) \(fixture.columns[index].name)"
                #expect(int(chunk["file_offset"]) == 0, "\(chunkLabel): ColumnChunk.file_offset")
                let stats = chunk["encoding_stats"] as? [[Int]] ?? []
                let hasDictionaryPage = stats.contains { $0.first == 2 }
                if let dictionaryOffset = int(chunk["dictionary_page_offset"]) {
                    #expect(hasDictionaryPage && strings.contains(index), "\(chunkLabel): a dictionary page exists")
                    #expect(dictionaryOffset == expectedStart, "\(chunkLabel): dictionary page first")
                    #expect((int(chunk["data_page_offset"]) ?? 0) > dictionaryOffset, "\(chunkLabel): data after it")
                } else {
                    #expect(!hasDictionaryPage, "\(chunkLabel): no dictionary_page_offset without a dictionary page")
                    #expect(int(chunk["data_page_offset"]) == expectedStart, "\(chunkLabel): data page first")
                }
                expectedStart += int(chunk["total_compressed_size"]) ?? 0
            }
            #expect(int(group["total_compressed_size"]) == expectedStart - groupStart, "\(label): total_compressed_size")
        }
        #expect(expectedStart == max(footerStart, 4), "\(fixture.name): the chunks end where the footer starts")
        // A string column is dictionary encoded in every row group where it has values, or in
        // none (fastparquet with pandas 3 loses the PLAIN values of a column that mixes both).
        var groupStarts: [Int] = []
        var row = 0
        for group in groups {
            groupStarts.append(row)
            row += int(group["num_rows"]) ?? 0
        }
        for index in strings {
            var kinds = Set<Bool>()
            for (groupIndex, group) in groups.enumerated() {
                let chunks = group["columns"] as? [[String: Any]] ?? []
                let start = groupStarts[groupIndex]
                let rows = fixture.rows[start..<min(fixture.rows.count, start + (int(group["num_rows"]) ?? 0))]
                guard index < chunks.count, rows.contains(where: { $0[index] != .null }) else { continue }
                kinds.insert(int(chunks[index]["dictionary_page_offset"]) != nil)
            }
            #expect(kinds.count <= 1, "\(fixture.name) \(fixture.columns[index].name): dictionary in some row groups only")
        }
        checkExactness(groups)
    }

    /// `is_min_value_exact` / `is_max_value_exact` as written: false exactly where a string bound
    /// was truncated.
    func checkExactness(_ groups: [[String: Any]]) {
        let groupRows = groups.map { int($0["num_rows"]) ?? 0 }
        var firstRow = 0
        for (groupIndex, group) in groups.enumerated() {
            let rows = fixture.rows[firstRow..<(firstRow + groupRows[groupIndex])]
            firstRow += groupRows[groupIndex]
            for (index, chunk) in (group["columns"] as? [[String: Any]] ?? []).enumerated() {
                guard fixture.columns[index].type == .string else { continue }
                let texts = rows.compactMap { if case .text(let text) = $0[index] { Array(text.utf8) } else { nil } }
                guard let low = texts.min(by: { $0.lexicographicallyPrecedes($1) }),
                      let high = texts.max(by: { $0.lexicographicallyPrecedes($1) }) else { continue }
                let limit = fixture.options.statisticsTruncateLength
                let label = "\(fixture.name) group \(groupIndex) \(fixture.columns[index].name)"
                #expect(chunk["is_min_value_exact"] as? Bool == (low.count <= limit), "\(label): min exactness")
                #expect(chunk["is_max_value_exact"] as? Bool == (high.count <= limit), "\(label): max exactness")
            }
        }
    }

    // MARK: JSON helpers

    func int(_ value: Any?) -> Int? {
        if let number = value as? NSNumber { return number.intValue }
        if let text = tagged(value, "int") { return Int(text) }
        return nil
    }

    func tagged(_ value: Any?, _ key: String) -> String? {
        (value as? [String: Any])?[key] as? String
    }

    func rawBytes(_ value: Any?) -> [UInt8]? {
        if let text = value as? String { return Array(text.utf8) }
        if let hexText = tagged(value, "hex") { return hex(hexText) }
        return nil
    }
}
