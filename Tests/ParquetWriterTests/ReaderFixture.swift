import ParquetWriter

/// One cell of a test row, in the form the test compares readers' output against.
enum TestCell: Equatable {
    case null
    case text(String)
    case int(Int64)
    case bool(Bool)
    case micros(Int64)
    case decimal(Int128)
}

/// A file to write and read back: schema, rows, writer options.
struct ReaderFixture {
    var name: String
    var columns: [ParquetColumn]
    var rows: [[TestCell]]
    var options: ParquetWriterOptions
    var codec: any PageCodec = UncompressedPageCodec()

    /// Writes the file through the streaming API, taking segments as a caller would, and
    /// returns its bytes (the segments concatenated) and how many segments there were.
    func write() throws -> (bytes: [UInt8], segments: Int) {
        var writer = try ParquetFileWriter(columns: columns, codec: codec, options: options)
        var bytes: [UInt8] = []
        var segments = 0
        for row in rows {
            for (index, cell) in row.enumerated() {
                switch cell {
                case .null: try writer.appendNull()
                case .text(let text): try writer.append(text)
                case .int(let value), .micros(let value): try writer.append(value)
                case .bool(let value): try writer.append(value)
                case .decimal(let value):
                    // Half the decimals go in as text, as the exporter's source delivers them.
                    if case .decimal(_, let scale) = columns[index].type, value % 2 == 0 {
                        var text = renderDecimal(value, scale: scale)
                        try text.withUTF8 { try writer.append(decimalText: UnsafeRawBufferPointer($0)) }
                    } else {
                        try writer.append(decimalUnscaled: value)
                    }
                }
            }
            try writer.endRow()
            while let segment = writer.takeSegment() {
                bytes.append(contentsOf: segment.bytes)
                segments += 1
            }
        }
        let last = try writer.finish()
        bytes.append(contentsOf: last.bytes)
        guard writer.closedBytes == Int64(bytes.count) else { throw FixtureError.sizeMismatch }
        return (bytes, segments + 1)
    }
}

enum FixtureError: Error { case sizeMismatch }

/// Fixed-point text with exactly `scale` fraction digits, as Python's `format(Decimal, "f")` and
/// PostgreSQL print a numeric(p, scale).
func renderDecimal(_ value: Int128, scale: Int) -> String {
    let negative = value < 0
    var digits = String(value.magnitude)
    if scale > 0 {
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
    }
    return (negative ? "-" : "") + digits
}

/// The fixtures the independent readers check.
enum ReaderFixtures {
    static let createdBy = ParquetWriterOptions.createdBy(
        application: "flexprice-exporter", version: "0.12.0", build: "abc1234")

    static let allTypesColumns: [ParquetColumn] = [
        ParquetColumn(name: "id", type: .string),
        ParquetColumn(name: "name", type: .string),
        ParquetColumn(name: "status", type: .string),
        ParquetColumn(name: "payload", type: .json),
        ParquetColumn(name: "big_text", type: .string),
        ParquetColumn(name: "quantity", type: .int64),
        ParquetColumn(name: "active", type: .boolean),
        ParquetColumn(name: "created_at", type: .timestampMicrosUTC),
        ParquetColumn(name: "amount_small", type: .decimal(precision: 9, scale: 2)),
        ParquetColumn(name: "amount_mid", type: .decimal(precision: 18, scale: 6)),
        ParquetColumn(name: "amount_big", type: .decimal(precision: 38, scale: 10)),
        ParquetColumn(name: "all_null", type: .string),
    ]

    static let timestamps: [Int64] = [
        -2_208_988_800_000_000,  // 1900-01-01T00:00:00Z
        -1,  // 1969-12-31T23:59:59.999999Z
        0,
        4_102_444_800_000_001,  // 2100-01-01T00:00:00.000001Z
        5_694_969_600_123_456,  // 2150-06-20T00:00:00.123456Z
        1_764_201_600_000_000,  // 2025-11-27
        -62_135_596_800_000_000,  // 0001-01-01T00:00:00Z
        253_402_214_399_000_000,  // 9999-12-30T23:59:59Z (odd rows add up to 2.5 ms)
    ]

    /// Every type, NULLs, unicode, strings over 64 bytes, extreme integers, timestamps before
    /// 1970 and after 2100, decimals at full precision: in 3 row groups of several pages, with a
    /// small dictionary limit so `big_text` falls back to PLAIN inside each chunk.
    static func allTypes() -> ReaderFixture {
        let max38 = ParquetDecimal.maxUnscaled(precision: 38)
        let unicode = ["Zoë", "東京", "😀 emoji", "plain", "", "naïve café", "\u{10FFFF}end"]
        var rows: [[TestCell]] = []
        for i in 0..<2_500 {
            let n = Int64(i)
            var row: [TestCell] = []
            row.append(.text("id-" + String(repeating: "0", count: 6 - String(i).count) + String(i)))
            if i % 7 == 0 {
                row.append(.null)
            } else if i % 11 == 0 {
                row.append(.text(String(repeating: "é", count: 40) + " long \(i)"))
            } else if i % 97 == 0 {
                row.append(.text(String(repeating: "~", count: 70) + "\(i)"))
            } else {
                row.append(.text(unicode[i % unicode.count]))
            }
            row.append(.text(["active", "archived", "deleted"][i % 3]))
            switch i % 5 {
            case 0: row.append(.null)
            case 1: row.append(.text("[1, 2, 3]"))
            case 2: row.append(.text("{\"a\": \"b\"}"))
            default: row.append(.text("{\"i\": \(i), \"tags\": [\"x\", \"ÿ\"], \"nested\": {\"deep\": [true, null, 1.5]}}"))
            }
            row.append(.text("unique-\(i)-" + String(repeating: "x", count: 180)))
            switch i % 13 {
            case 0: row.append(.null)
            case 1: row.append(.int(i == 1 ? Int64.min : n * 1_000 - 7))
            case 2: row.append(.int(i == 2 ? Int64.max : -n))
            default: row.append(.int(n * 31 - 5_000))
            }
            row.append(i % 4 == 3 ? .null : .bool(i % 2 == 0))
            row.append(i % 9 == 0 ? .null : .micros(timestamps[i % timestamps.count] + (i % 2 == 0 ? 0 : n)))
            switch i % 6 {
            case 0: row.append(.null)
            case 1: row.append(.decimal(i % 12 == 1 ? 999_999_999 : -999_999_999))
            case 2: row.append(.decimal(0))
            default: row.append(.decimal(Int128(n * 1_234 - 1_000_000) * (i % 2 == 0 ? 1 : -1)))
            }
            switch i % 5 {
            case 0: row.append(.decimal(-999_999_999_999_999_999))
            case 1: row.append(.null)
            case 2: row.append(.decimal(0))
            default: row.append(.decimal(Int128(n) * 1_000_003 - 7_000_000))
            }
            switch i % 6 {
            case 0: row.append(.decimal(-max38))
            case 1: row.append(.decimal(max38))
            case 2: row.append(.decimal(0))
            case 3: row.append(.null)
            case 4: row.append(.decimal(-(Int128(n) * ParquetDecimal.powerOfTen(28) + Int128(n))))
            default: row.append(.decimal(Int128(n) * 1_000_000_007 - 1))
            }
            row.append(.null)
            rows.append(row)
        }
        var options = ParquetWriterOptions(createdBy: createdBy)
        options.maxRowsPerRowGroup = 1_000
        options.maxValuesPerPage = 300
        options.pageSizeBytes = 16 << 10
        options.dictionaryByteLimit = 16 << 10
        options.keyValueMetadata = [KeyValue(key: "flexprice.entity", value: "test")]
        return ReaderFixture(name: "all_types", columns: allTypesColumns, rows: rows, options: options)
    }

    /// The writer's default options (1 MiB dictionaries and pages) with a 3 MiB row-group
    /// budget: `id` (distinct strings) passes the dictionary limit in the first row group and is
    /// PLAIN in every group; `late_unique` keeps its dictionary in the first group, so when its
    /// values turn distinct the full dictionary closes a row group; `sparse` is NULL throughout
    /// the first group.
    static func defaults() -> ReaderFixture {
        let columns = [
            ParquetColumn(name: "id", type: .string),
            ParquetColumn(name: "n", type: .int64),
            ParquetColumn(name: "tenant", type: .string),
            ParquetColumn(name: "late_unique", type: .string),
            ParquetColumn(name: "sparse", type: .string),
        ]
        var rows: [[TestCell]] = []
        for i in 0..<40_000 {
            rows.append([
                .text("evt_\(i)_" + String(repeating: "q", count: 120)),
                i % 100 == 0 ? .null : .int(Int64(i)),
                .text("tenant_\(i % 4)"),
                .text(i < 20_000 ? "same" : "late_\(i)_" + String(repeating: "w", count: 90)),
                i < 21_000 ? .null : .text("s\(i % 10)"),
            ])
        }
        var options = ParquetWriterOptions(createdBy: createdBy)
        options.rowGroupBytes = 3 << 20
        return ReaderFixture(name: "defaults", columns: columns, rows: rows, options: options)
    }

    /// `all_types` again with GZIP pages (stored DEFLATE blocks), so every reader decompresses.
    static func gzip() -> ReaderFixture {
        var fixture = allTypes()
        fixture.name = "all_types_gzip"
        fixture.codec = StoredGzipPageCodec()
        return fixture
    }

    static func empty() -> ReaderFixture {
        ReaderFixture(name: "empty", columns: allTypesColumns, rows: [], options: ParquetWriterOptions(createdBy: createdBy))
    }
}
