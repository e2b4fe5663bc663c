@testable import ParquetWriter
import Testing

/// ``ParquetFileWriter/fileStatistics``: every row group's chunk statistics merged into one per
/// column for the whole file (min of minima, max of maxima in the column's order, NULLs summed),
/// from the bounds before truncation.
struct FileStatisticsMergeTests {
    let options = ParquetWriterOptions(createdBy: "flexprice-exporter version 1.2.3 (build abc)")

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// One row of cells, appended by kind (nil is NULL).
    enum Cell {
        case int(Int64?)
        case text(String?)
        case decimal(String?)
        case bool(Bool?)
    }

    func append(_ row: [Cell], to writer: inout ParquetFileWriter) throws {
        for cell in row {
            switch cell {
            case .int(let value?): try writer.append(value)
            case .text(let value?): try writer.append(value)
            case .decimal(let value?):
                var text = value
                try text.withUTF8 { try writer.append(decimalText: UnsafeRawBufferPointer($0)) }
            case .bool(let value?): try writer.append(value)
            case .int(nil), .text(nil), .decimal(nil), .bool(nil): try writer.appendNull()
            }
        }
        try writer.endRow()
    }

    @Test func rowGroupsMergeIntoTheFilesBounds() throws {
        let columns = [
            ParquetColumn(name: "n", type: .int64),
            ParquetColumn(name: "s", type: .string),
            ParquetColumn(name: "wide", type: .decimal(precision: 30, scale: 2)),
            ParquetColumn(name: "narrow", type: .decimal(precision: 9, scale: 2)),
            ParquetColumn(name: "mid", type: .decimal(precision: 18, scale: 3)),
            ParquetColumn(name: "b", type: .boolean),
            ParquetColumn(name: "at", type: .timestampMicrosUTC),
            ParquetColumn(name: "none", type: .int64),
        ]
        var writer = try ParquetFileWriter(columns: columns, options: options)
        // Three row groups; each column's minimum and maximum sit in different ones, and no
        // single group holds both.
        let groups: [[[Cell]]] = [
            [[.int(10), .text("m"), .decimal("5.00"), .decimal("-1.5"), .decimal("7.250"), .bool(true), .int(2_000), .int(nil)],
             [.int(nil), .text(nil), .decimal(nil), .decimal(nil), .decimal(nil), .bool(nil), .int(nil), .int(nil)]],
            [[.int(-3), .text("zz"), .decimal("-12345678901234567890.99"), .decimal("3"), .decimal(nil), .bool(true), .int(-5), .int(nil)],
             [.int(7), .text("b"), .decimal("0.01"), .decimal("-9.99"), .decimal("-0.001"), .bool(nil), .int(1_000), .int(nil)]],
            [[.int(99), .text("a"), .decimal("99999999999999999999.5"), .decimal("0"), .decimal("123456789012345.678"), .bool(true), .int(3_000), .int(nil)]],
        ]
        for group in groups {
            for row in group { try append(row, to: &writer) }
            try writer.closeRowGroup()
        }
        _ = try writer.finish()
        #expect(writer.fileMetaData.rowGroups.count == 3)
        let stats = writer.fileStatistics
        #expect(stats.count == columns.count)
        func expectBounds(_ index: Int, nulls: Int64, min: [UInt8], max: [UInt8], legacy: Bool,
                          sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(stats[index] == Statistics(
                max: legacy ? max : nil, min: legacy ? min : nil, nullCount: nulls,
                maxValue: max, minValue: min, isMaxValueExact: true, isMinValueExact: true),
                "column \(columns[index].name)", sourceLocation: sourceLocation)
        }
        expectBounds(0, nulls: 1, min: PlainEncoder.encode(int64: -3), max: PlainEncoder.encode(int64: 99), legacy: true)
        expectBounds(1, nulls: 1, min: bytes("a"), max: bytes("zz"), legacy: false)
        expectBounds(2, nulls: 1, min: ParquetDecimal.bigEndianBytes(-1_234_567_890_123_456_789_099),
                     max: ParquetDecimal.bigEndianBytes(9_999_999_999_999_999_999_950), legacy: false)
        expectBounds(3, nulls: 1, min: PlainEncoder.encode(int32: -999), max: PlainEncoder.encode(int32: 300), legacy: true)
        expectBounds(4, nulls: 2, min: PlainEncoder.encode(int64: -1), max: PlainEncoder.encode(int64: 123_456_789_012_345_678),
                     legacy: true)
        // Only trues: min_value true too.
        expectBounds(5, nulls: 2, min: [1], max: [1], legacy: true)
        expectBounds(6, nulls: 1, min: PlainEncoder.encode(int64: -5), max: PlainEncoder.encode(int64: 3_000), legacy: true)
        // A column of NULLs only: the count, no bounds.
        #expect(stats[7] == Statistics(nullCount: 5))

        // The same as merging the chunks' own (exact, here) statistics from the footer by hand.
        for (index, column) in columns.enumerated() where column.type == .int64 {
            let chunks = writer.fileMetaData.rowGroups.compactMap { $0.columns[index].metaData.statistics }
            #expect(chunks.map { $0.nullCount ?? 0 }.reduce(0, +) == stats[index].nullCount)
            let minima = chunks.compactMap { $0.minValue.map(int64) }
            let maxima = chunks.compactMap { $0.maxValue.map(int64) }
            #expect(minima.min().map { PlainEncoder.encode(int64: $0) } == stats[index].minValue)
            #expect(maxima.max().map { PlainEncoder.encode(int64: $0) } == stats[index].maxValue)
        }
    }

    func int64(_ bytes: [UInt8]) -> Int64 {
        bytes.enumerated().reduce(0) { $0 | Int64($1.element) << (8 * Int64($1.offset)) }
    }

    @Test func booleansMergeTheirFalseAndTrue() throws {
        var writer = try ParquetFileWriter(columns: [ParquetColumn(name: "b", type: .boolean)], options: options)
        try append([.bool(true)], to: &writer)
        try writer.closeRowGroup()
        try append([.bool(false)], to: &writer)
        _ = try writer.finish()
        #expect(writer.fileStatistics == [Statistics(
            max: [1], min: [0], nullCount: 0, maxValue: [1], minValue: [0], isMaxValueExact: true, isMinValueExact: true)])
    }

    /// Bounds are merged whole and truncated once, for the file: a long string is cut as the
    /// chunks cut theirs (prefix, incremented prefix, inexact), and a JSON column, whose chunk
    /// statistics leave out bounds that do not fit whole, gets string-like bounds too.
    @Test func longStringsAndJSONAreTruncatedForTheFile() throws {
        var tight = options
        tight.statisticsTruncateLength = 8
        var writer = try ParquetFileWriter(
            columns: [ParquetColumn(name: "s", type: .string), ParquetColumn(name: "j", type: .json)], options: tight)
        try append([.text("hello world!"), .text(#"{"k":"0123456789"}"#)], to: &writer)
        try writer.closeRowGroup()
        try append([.text("hello"), .text("[1]")], to: &writer)
        try append([.text("hello wz"), .text(nil)], to: &writer)
        _ = try writer.finish()
        let groups = writer.fileMetaData.rowGroups
        #expect(groups.count == 2)
        // The first chunk's JSON value is over the limit: that chunk has no JSON bounds.
        #expect(groups[0].columns[1].metaData.statistics == Statistics(nullCount: 0))
        let stats = writer.fileStatistics
        #expect(stats[0] == Statistics(
            nullCount: 0, maxValue: bytes("hello wz"), minValue: bytes("hello"),
            isMaxValueExact: true, isMinValueExact: true))
        #expect(stats[1] == Statistics(
            nullCount: 1, maxValue: bytes(#"{"k":"02"#), minValue: bytes("[1]"),
            isMaxValueExact: false, isMinValueExact: true))

        var longer = try ParquetFileWriter(columns: [ParquetColumn(name: "s", type: .string)], options: tight)
        try append([.text("hello world!")], to: &longer)
        try longer.closeRowGroup()
        try append([.text("hello world?")], to: &longer)
        _ = try longer.finish()
        #expect(longer.fileStatistics == [Statistics(
            nullCount: 0, maxValue: bytes("hello wp"), minValue: bytes("hello wo"),
            isMaxValueExact: false, isMinValueExact: false)])
    }

    @Test func anEmptyFileHasCountsOfZeroAndNoBounds() throws {
        var writer = try ParquetFileWriter(
            columns: [ParquetColumn(name: "n", type: .int64), ParquetColumn(name: "s", type: .string)], options: options)
        _ = try writer.finish()
        #expect(writer.fileStatistics == [Statistics(nullCount: 0), Statistics(nullCount: 0)])
    }

    /// Row groups closed by the byte budget (not by hand): many groups, and the merge over all of
    /// them equals the bounds of the data written.
    @Test func budgetClosedRowGroupsMergeToTheDatasBounds() throws {
        var small = options
        small.rowGroupBytes = 4 << 10
        var writer = try ParquetFileWriter(
            columns: [ParquetColumn(name: "n", type: .int64), ParquetColumn(name: "s", type: .string)], options: small)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var values: [Int64] = []
        var texts: [String] = []
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = Int64(bitPattern: state) >> 20
            values.append(value)
            texts.append("k\(value & 0xFFFF)")
            try writer.append(value)
            try writer.append(texts[texts.count - 1])
            try writer.endRow()
            _ = writer.takeSegment()
        }
        _ = try writer.finish()
        #expect(writer.fileMetaData.rowGroups.count > 5)
        let stats = writer.fileStatistics
        #expect(stats[0].minValue == values.min().map { PlainEncoder.encode(int64: $0) })
        #expect(stats[0].maxValue == values.max().map { PlainEncoder.encode(int64: $0) })
        let sorted = texts.map(bytes).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(stats[1].minValue == sorted.first)
        #expect(stats[1].maxValue == sorted.last)
        #expect(stats[0].nullCount == 0 && stats[1].nullCount == 0)
    }
}
