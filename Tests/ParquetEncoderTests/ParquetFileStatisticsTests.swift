import ExporterCore
import ExporterEncoder
import Foundation
import NIOCore
import ParquetEncoder
import ParquetWriter
import TestSupport
import Testing

/// Each Parquet file's ``FileStatistics`` (a Delta `add` action's `stats`): on the last segment
/// of every file, typed from the merged Parquet statistics by column type, with the exact text
/// Delta reads.
struct ParquetFileStatisticsTests {
    func encoder(rowGroupBytes: Int = 16 << 20, maxFileBytes: Int = 100 << 20) -> ParquetFileEncoder<ArrayFieldDecoder> {
        ParquetFileEncoder(decoder: ArrayFieldDecoder(), configuration: .init(
            codec: UncompressedPageCodec(), rowGroupBytes: rowGroupBytes, maxFileBytes: maxFileBytes,
            createdBy: "flexprice-exporter version 0.1.0 (build test)"))
    }

    /// The files the segments make: their rows, bytes, and the statistics of their segments
    /// (each file's segments' statistics in order, so a test sees where they were set).
    func files(_ segments: [EncodedSegment]) -> [(rows: Int, bytes: Int, statistics: [FileStatistics?])] {
        var files: [(rows: Int, bytes: Int, statistics: [FileStatistics?])] = [(0, 0, [])]
        for segment in segments {
            files[files.count - 1].rows += segment.rows
            files[files.count - 1].bytes += segment.bytes.readableBytes
            files[files.count - 1].statistics.append(segment.statistics)
            if segment.endsFile { files.append((0, 0, [])) }
        }
        return files
    }

    static let everyType = [
        SourceColumn(name: "id", type: .text),
        SourceColumn(name: "n", type: .integer),
        SourceColumn(name: "at", type: .timestamp),
        SourceColumn(name: "amount", type: .numeric(precision: 20, scale: 8)),
        SourceColumn(name: "price", type: .numeric(precision: 12, scale: 2)),
        SourceColumn(name: "small", type: .numeric(precision: 5, scale: 2)),
        SourceColumn(name: "flag", type: .boolean),
        SourceColumn(name: "payload", type: .json),
        SourceColumn(name: "note", type: .text),
    ]

    static let everyTypeRows: [[TestCell]] = [
        [.text("b"), .integer(5), .timestamp(micros: 1_700_000_000_123_456), .decimal("-0.05"), .decimal("12.5"),
         .decimal("-3.10"), .bool(true), .json(#"{"a":1}"#), .null],
        [.text(#"a"q"#), .integer(-7), .timestamp(micros: 1_700_000_000_000_000), .decimal("123.456"), .decimal("-100"),
         .decimal("0"), .bool(false), .null, .null],
        [.null, .integer(42), .timestamp(micros: 1_700_000_001_999_001), .null, .decimal("0.01"),
         .decimal("999.99"), .null, .json(#"{"b":[1,2]}"#), .null],
    ]

    /// Every type in one file: int64 and decimals (FIXED_LEN_BYTE_ARRAY, INT64 and INT32) as
    /// exact numbers with their scale, timestamps as millisecond strings (min down, max up),
    /// strings and JSON text as escaped strings, a boolean and an all-NULL column with their NULL
    /// counts only.
    @Test func everyTypeGivesTheExactDeltaStats() throws {
        let encoder = encoder()
        try encoder.begin(columns: Self.everyType)
        for row in Self.everyTypeRows { try encoder.consume(row) }
        let out = files(try encoder.finish())
        #expect(out.count == 1)
        let stats = try #require(out[0].statistics.last ?? nil)
        #expect(stats.numRecords == 3)
        #expect(stats.deltaJSON == #"{"numRecords":3,"#
            + #""minValues":{"id":"a\"q","n":-7,"at":"2023-11-14T22:13:20.000Z","amount":-0.05000000,"#
            + #""price":-100.00,"small":-3.10,"payload":"{\"a\":1}"},"#
            + #""maxValues":{"id":"b","n":42,"at":"2023-11-14T22:13:22.000Z","amount":123.45600000,"#
            + #""price":12.50,"small":999.99,"payload":"{\"b\":[1,2]}"},"#
            + #""nullCount":{"id":1,"n":0,"at":0,"amount":1,"price":0,"small":0,"flag":1,"payload":1,"note":3}}"#)
    }

    /// Several row groups (a small row-group budget) merge into the file's one set of bounds,
    /// set on the file's last segment only.
    @Test func rowGroupsOfAFileMergeAndOnlyItsLastSegmentCarriesThem() throws {
        let encoder = encoder(rowGroupBytes: 4 << 10)
        try encoder.begin(columns: Self.everyType)
        var segments: [EncodedSegment] = []
        for i in 0..<3_000 {
            // The extremes in the middle: not in the first or the last row group.
            let n: Int64 = i == 1_500 ? -1_000_000 : i == 1_501 ? 1_000_000 : Int64(i)
            try encoder.consume([
                .text("id-\(i % 700)"), .integer(n), .timestamp(micros: 1_000_000_000_000 + Int64(i) * 1_001),
                .decimal(i == 2_000 ? "-999999999999.99999999" : "\(i).5"), i % 3 == 0 ? .null : .decimal("\(i % 100).25"),
                .decimal("\(i % 10)"), .bool(i % 2 == 0), .json(#"{"k":\#(i % 10)}"#), .null,
            ])
            segments += encoder.takeSegments()
        }
        #expect(segments.count > 5, "row groups handed out as they closed")
        segments += try encoder.finish()
        let out = files(segments)
        #expect(out.count == 1)
        #expect(out[0].statistics.dropLast().allSatisfy { $0 == nil })
        let stats = try #require(out[0].statistics.last ?? nil)
        #expect(stats == FileStatistics(numRecords: 3_000, columns: [
            .init(name: "id", nullCount: 0, min: .string("id-0"), max: .string("id-99")),
            .init(name: "n", nullCount: 0, min: .number("-1000000"), max: .number("1000000")),
            // 1_000_000_000_000 µs, and 1_000_000_000_000 + 2_999 × 1_001 = 1_000_003_001_999 µs
            // rounded up to the millisecond.
            .init(name: "at", nullCount: 0, min: .string("1970-01-12T13:46:40.000Z"), max: .string("1970-01-12T13:46:43.002Z")),
            .init(name: "amount", nullCount: 0, min: .number("-999999999999.99999999"), max: .number("2999.50000000")),
            .init(name: "price", nullCount: 1_000, min: .number("0.25"), max: .number("99.25")),
            .init(name: "small", nullCount: 0, min: .number("0.00"), max: .number("9.00")),
            .init(name: "flag", nullCount: 0),
            .init(name: "payload", nullCount: 0, min: .string(#"{"k":0}"#), max: .string(#"{"k":9}"#)),
            .init(name: "note", nullCount: 3_000),
        ]))
    }

    /// A rollover: every file, the ones that end at a rollover and the last, carries the
    /// statistics of its own rows.
    @Test func eachFileOfARolloverHasItsOwnStatistics() throws {
        let encoder = encoder(rowGroupBytes: 16 << 10, maxFileBytes: 64 << 10)
        let columns = [
            SourceColumn(name: "id", type: .text), SourceColumn(name: "n", type: .integer),
            SourceColumn(name: "at", type: .timestamp), SourceColumn(name: "amount", type: .numeric(precision: 20, scale: 8)),
        ]
        try encoder.begin(columns: columns)
        var segments: [EncodedSegment] = []
        for i in 0..<20_000 {
            try encoder.consume([
                .text("row-\(i)-" + String(repeating: "x", count: i % 50)), .integer(Int64(i)),
                .timestamp(micros: Int64(i) * 1_000_000), .decimal("\(i).12345678"),
            ])
            segments += encoder.takeSegments()
        }
        segments += try encoder.finish()
        let out = files(segments)
        #expect(out.count > 3)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var first = 0
        for (index, file) in out.enumerated() {
            #expect(file.statistics.dropLast().allSatisfy { $0 == nil }, "file \(index)")
            let stats = try #require(file.statistics.last ?? nil, "file \(index) has no statistics")
            #expect(stats.numRecords == Int64(file.rows), "file \(index)")
            let last = first + file.rows - 1
            let ids = (first...last).map { "row-\($0)-" + String(repeating: "x", count: $0 % 50) }
            let minID = try #require(ids.min { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            let maxID = try #require(ids.max { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            let at: (Int) -> String = { formatter.string(from: Date(timeIntervalSince1970: TimeInterval($0))) }
            #expect(stats == FileStatistics(numRecords: Int64(file.rows), columns: [
                .init(name: "id", nullCount: 0, min: .string(String(minID.prefix(32))),
                      max: maxID.count <= 32 ? .string(maxID) : nil),
                .init(name: "n", nullCount: 0, min: .number("\(first)"), max: .number("\(last)")),
                .init(name: "at", nullCount: 0, min: .string(at(first)), max: .string(at(last))),
                .init(name: "amount", nullCount: 0, min: .number("\(first).12345678"), max: .number("\(last).12345678")),
            ]), "file \(index)")
            first = last + 1
        }
        #expect(first == 20_000)
    }

    @Test func anEmptyFileHasZeroRecordsAndNoBounds() throws {
        let encoder = encoder()
        try encoder.begin(columns: [SourceColumn(name: "n", type: .integer)])
        let out = files(try encoder.finish())
        #expect(out[0].statistics.last??.deltaJSON == #"{"numRecords":0,"minValues":{},"maxValues":{},"nullCount":{"n":0}}"#)
    }

    @Test func aNullOnlyColumnHasItsNullCountOnly() throws {
        let encoder = encoder()
        try encoder.begin(columns: [SourceColumn(name: "n", type: .integer), SourceColumn(name: "s", type: .text)])
        for i in 0..<5 { try encoder.consume([.null, .text("v\(i)")]) }
        let stats = try #require(files(try encoder.finish())[0].statistics.last ?? nil)
        #expect(stats.deltaJSON
            == #"{"numRecords":5,"minValues":{"s":"v0"},"maxValues":{"s":"v4"},"nullCount":{"n":5,"s":0}}"#)
    }

    /// Strings through the whole path: the encoder's writer truncates at 64 bytes; Delta keeps
    /// a 32-character minimum and a maximum only when exact and at most 32 characters.
    @Test func longStringsKeepAPrefixMinimumAndNoMaximum() throws {
        let encoder = encoder()
        try encoder.begin(columns: [SourceColumn(name: "s", type: .text), SourceColumn(name: "t", type: .text)])
        let long = String(repeating: "a", count: 40)
        try encoder.consume([.text(long), .text("ok")])
        try encoder.consume([.text(String(repeating: "b", count: 100)), .text(String(repeating: "é", count: 32))])
        let stats = try #require(files(try encoder.finish())[0].statistics.last ?? nil)
        #expect(stats.columns == [
            .init(name: "s", nullCount: 0, min: .string(String(repeating: "a", count: 32))),
            // 32 "é" are 64 bytes: exact in the file, and 32 characters.
            .init(name: "t", nullCount: 0, min: .string("ok"), max: .string(String(repeating: "é", count: 32))),
        ])
    }
}

/// The conversion rules one by one, on hand-made Parquet statistics.
struct ParquetFileStatisticsConversionTests {
    func column(_ type: ParquetColumnType, _ statistics: Statistics) -> FileStatistics.Column {
        ParquetFileStatistics.column(of: ParquetColumn(name: "c", type: type), statistics: statistics)
    }

    func exact(min: [UInt8], max: [UInt8], nulls: Int64 = 0) -> Statistics {
        Statistics(nullCount: nulls, maxValue: max, minValue: min, isMaxValueExact: true, isMinValueExact: true)
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func decimalTextIsExactWithTheScale() {
        let cases: [(Int128, Int, String)] = [
            (1_250, 2, "12.50"), (-5, 2, "-0.05"), (0, 0, "0"), (0, 3, "0.000"), (-12_345, 0, "-12345"),
            (12_345, 5, "0.12345"), (-12_345, 5, "-0.12345"), (12_345, 4, "1.2345"), (7, 1, "0.7"),
            (ParquetDecimal.maxUnscaled(precision: 38), 38, "0." + String(repeating: "9", count: 38)),
            (-ParquetDecimal.maxUnscaled(precision: 38), 0, "-" + String(repeating: "9", count: 38)),
            (-ParquetDecimal.maxUnscaled(precision: 38), 10,
             "-" + String(repeating: "9", count: 28) + "." + String(repeating: "9", count: 10)),
        ]
        for (unscaled, scale, text) in cases {
            #expect(ParquetFileStatistics.decimalText(unscaled: unscaled, scale: scale) == text, "\(unscaled) scale \(scale)")
        }
    }

    @Test func decimalsOfEveryPhysicalType() {
        // INT32 (precision <= 9), INT64 (<= 18): PLAIN little-endian; FIXED_LEN_BYTE_ARRAY(16):
        // big-endian two's complement.
        #expect(column(.decimal(precision: 5, scale: 2), exact(
            min: PlainEncoder.encode(int32: -310), max: PlainEncoder.encode(int32: 99_999), nulls: 4))
            == .init(name: "c", nullCount: 4, min: .number("-3.10"), max: .number("999.99")))
        #expect(column(.decimal(precision: 18, scale: 3), exact(
            min: PlainEncoder.encode(int64: -1), max: PlainEncoder.encode(int64: 999_999_999_999_999_999)))
            == .init(name: "c", nullCount: 0, min: .number("-0.001"), max: .number("999999999999999.999")))
        #expect(column(.decimal(precision: 38, scale: 4), exact(
            min: ParquetDecimal.bigEndianBytes(-987_654_321), max: ParquetDecimal.bigEndianBytes(12_345)))
            == .init(name: "c", nullCount: 0, min: .number("-98765.4321"), max: .number("1.2345")))
        #expect(column(.decimal(precision: 38, scale: 0), exact(
            min: ParquetDecimal.bigEndianBytes(-ParquetDecimal.maxUnscaled(precision: 38)),
            max: ParquetDecimal.bigEndianBytes(-1)))
            == .init(name: "c", nullCount: 0, min: .number("-" + String(repeating: "9", count: 38)), max: .number("-1")))
        // Bytes of the wrong length for the type: no bound rather than a wrong one.
        #expect(column(.decimal(precision: 5, scale: 2), exact(min: [1, 2], max: PlainEncoder.encode(int32: 1)))
            == .init(name: "c", nullCount: 0, max: .number("0.01")))
    }

    @Test func int64IsANumber() {
        #expect(column(.int64, exact(min: PlainEncoder.encode(int64: .min), max: PlainEncoder.encode(int64: .max)))
            == .init(name: "c", nullCount: 0, min: .number("-9223372036854775808"), max: .number("9223372036854775807")))
    }

    /// Microseconds to Delta's milliseconds: the minimum down, the maximum up, so neither moves
    /// inside the file's range.
    @Test func timestampsRoundOutwardToTheMillisecond() {
        let text = ParquetFileStatistics.timestampText
        #expect(text(1_700_000_000_123_456, false) == "2023-11-14T22:13:20.123Z")
        #expect(text(1_700_000_000_123_456, true) == "2023-11-14T22:13:20.124Z")
        #expect(text(1_700_000_000_123_000, false) == "2023-11-14T22:13:20.123Z")
        #expect(text(1_700_000_000_123_000, true) == "2023-11-14T22:13:20.123Z")
        #expect(text(1_700_000_000_999_999, true) == "2023-11-14T22:13:21.000Z")
        #expect(text(-1, false) == "1969-12-31T23:59:59.999Z")
        #expect(text(-1, true) == "1970-01-01T00:00:00.000Z")
        #expect(text(0, false) == "1970-01-01T00:00:00.000Z")
        #expect(text(951_782_400_000_000, false) == "2000-02-29T00:00:00.000Z")
        // Years 0001 to 9999 only: past them the bound is left out.
        #expect(text(-62_135_596_800_000_000, false) == "0001-01-01T00:00:00.000Z")
        #expect(text(-62_135_596_800_000_001, false) == nil)
        #expect(text(253_402_300_799_999_999, false) == "9999-12-31T23:59:59.999Z")
        #expect(text(253_402_300_799_999_999, true) == nil)
        #expect(text(.max, true) == nil)
        #expect(text(.min, false) == nil)
        #expect(column(.timestampMicrosUTC, exact(
            min: PlainEncoder.encode(int64: 1_700_000_000_123_456), max: PlainEncoder.encode(int64: 1_700_000_000_123_456)))
            == .init(name: "c", nullCount: 0, min: .string("2023-11-14T22:13:20.123Z"), max: .string("2023-11-14T22:13:20.124Z")))
    }

    @Test func stringBounds() {
        let thirtyTwo = String(repeating: "x", count: 32)
        let thirtyThree = thirtyTwo + "y"
        // Exact and short: both.
        #expect(column(.string, exact(min: bytes("abc"), max: bytes(thirtyTwo)))
            == .init(name: "c", nullCount: 0, min: .string("abc"), max: .string(thirtyTwo)))
        // Over 32 characters: the minimum's first 32, no maximum.
        #expect(column(.string, exact(min: bytes(thirtyThree), max: bytes(thirtyThree)))
            == .init(name: "c", nullCount: 0, min: .string(thirtyTwo)))
        // Truncated by the writer (inexact): the minimum is still a prefix, the maximum is dropped.
        #expect(column(.string, Statistics(
            nullCount: 1, maxValue: bytes("b"), minValue: bytes("a"), isMaxValueExact: false, isMinValueExact: false))
            == .init(name: "c", nullCount: 1, min: .string("a")))
        // No exactness flag: the maximum is not known to be exact.
        #expect(column(.string, Statistics(nullCount: 0, maxValue: bytes("b"), minValue: bytes("a")))
            == .init(name: "c", nullCount: 0, min: .string("a")))
        // Characters are Unicode scalars, not bytes: 32 "é" are 64 bytes.
        let accents = String(repeating: "é", count: 33)
        #expect(column(.string, exact(min: bytes(accents), max: bytes("日本語")))
            == .init(name: "c", nullCount: 0, min: .string(String(repeating: "é", count: 32)), max: .string("日本語")))
        // Bytes that are not UTF-8: no bound.
        #expect(column(.string, exact(min: [0xFF], max: [0xC3])) == .init(name: "c", nullCount: 0))
        // JSON text is a string bound too.
        #expect(column(.json, exact(min: bytes("[1]"), max: bytes(#"{"a":"\n"}"#)))
            == .init(name: "c", nullCount: 0, min: .string("[1]"), max: .string(#"{"a":"\n"}"#)))
    }

    @Test func booleansAndNullOnlyColumnsHaveNullCountsOnly() {
        #expect(column(.boolean, Statistics(
            max: [1], min: [0], nullCount: 2, maxValue: [1], minValue: [0], isMaxValueExact: true, isMinValueExact: true))
            == .init(name: "c", nullCount: 2))
        #expect(column(.int64, Statistics(nullCount: 7)) == .init(name: "c", nullCount: 7))
        #expect(column(.string, Statistics(nullCount: 7)) == .init(name: "c", nullCount: 7))
    }
}
