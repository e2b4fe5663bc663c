import ExporterCore
import ExporterEncoder
import NIOCore
import TestSupport
import Testing

/// One file's text: what an encoder writes for `rows`, from header to footer.
func encodeFile(_ encoder: some RowEncoder, _ rows: [[TestCell]]) -> String {
    var encoder = encoder
    var buffer = ByteBuffer()
    buffer.writeWithRawByteWriter { encoder.startFile(into: &$0) }
    for row in rows {
        buffer.writeWithRawByteWriter { out in
            encoder.beginRow(into: &out)
            for cell in row { cell.withValue { encoder.writeField($0, into: &out) } }
            encoder.endRow(into: &out)
        }
    }
    buffer.writeWithRawByteWriter { encoder.finishFile(into: &$0) }
    return String(buffer: buffer)
}

/// RFC 4180 output with exact bytes.
struct CSVRowEncoderTests {
    func encode(_ rows: [[TestCell]], columns: [String]) -> String {
        encodeFile(CSVRowEncoder(columns: columns), rows)
    }

    func text(_ s: String) -> TestCell { .text(s) }

    @Test func headerAndPlainFields() {
        #expect(encode([[text("a"), .integer(-7), .bool(true)]], columns: ["x", "y", "z"]) == "x,y,z\r\na,-7,true\r\n")
    }

    @Test(arguments: [Int64.min, -1_000_000, -9, 0, 7, 10, 1_795_132_800_000, Int64.max])
    func integersAreWrittenExactly(_ value: Int64) {
        #expect(encode([[.integer(value)]], columns: ["n"]) == "n\r\n\(value)\r\n")
    }

    @Test func jsonCellsInSuccessiveRowsDoNotShareBytes() {
        let csv = encode([[.json(#"{"a": 1}"#)], [.json("[2]")]], columns: ["j"])
        #expect(csv == "j\r\n\"{\"\"a\"\":1}\"\r\n[2]\r\n")
    }

    @Test func quotesOnlyWhenNeededAndDoublesInnerQuotes() {
        let csv = encode([[text("plain"), text("with,comma"), text("say \"hi\""), text("two\nlines"), text("cr\rhere")]],
                         columns: ["a", "b", "c", "d", "e"])
        #expect(csv == "a,b,c,d,e\r\nplain,\"with,comma\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\"\r\n")
    }

    @Test func nullIsEmptyAndEmptyStringIsQuoted() {
        #expect(encode([[.null, text(""), .null]], columns: ["a", "b", "c"]) == "a,b,c\r\n,\"\",\r\n")
    }

    @Test func unicodePassesThrough() {
        #expect(encode([[text("Zürich ☕ 東京")]], columns: ["a"]) == "a\r\nZürich ☕ 東京\r\n")
    }

    @Test func timestampsAndDecimals() {
        let csv = encode([[.timestamp(micros: 1_760_193_022_123_456), .timestamp(micros: 1_760_193_022_000_000),
                           .decimal("123456789012345678901234567890.5")]], columns: ["a", "b", "c"])
        #expect(csv == "a,b,c\r\n2025-10-11T14:30:22.123456Z,2025-10-11T14:30:22Z,123456789012345678901234567890.5\r\n")
    }

    @Test func jsonIsCompactAndQuoted() {
        let csv = encode([[.json(#"{"a": [1, 2], "b": "x, \"y\" z"}"#)]], columns: ["p"])
        #expect(csv == "p\r\n\"{\"\"a\"\":[1,2],\"\"b\"\":\"\"x, \\\"\"y\\\"\" z\"\"}\"\r\n")
    }
}

/// JSON and NDJSON output with exact bytes.
struct JSONRowEncoderTests {
    func encode(_ rows: [[TestCell]], columns: [String], style: JSONRowEncoder.Style) -> String {
        encodeFile(JSONRowEncoder(columns: columns, style: style), rows)
    }

    @Test func arrayOfObjectsWithTypedValues() {
        let rows: [[TestCell]] = [
            [.text("a\"b\\c\n\u{1}"), .decimal("1.50"), .integer(3), .bool(false),
             .timestamp(micros: 0), .json(#"{"k": [1, {"n": null}]}"#), .null],
            [.text("é"), .null, .null, .null, .null, .null, .null],
        ]
        let json = encode(rows, columns: ["s", "d", "i", "b", "t", "j", "n"], style: .array)
        #expect(json == """
            [
            {"s":"a\\"b\\\\c\\n\\u0001","d":"1.50","i":3,"b":false,"t":"1970-01-01T00:00:00Z","j":{"k":[1,{"n":null}]},"n":null},
            {"s":"é","d":null,"i":null,"b":null,"t":null,"j":null,"n":null}
            ]

            """)
    }

    @Test func emptyArray() {
        #expect(encode([], columns: ["a"], style: .array) == "[]\n")
    }

    @Test func ndjsonIsOneObjectPerLine() {
        let ndjson = encode([[.integer(1)], [.integer(2)]], columns: ["a"], style: .lines)
        #expect(ndjson == "{\"a\":1}\n{\"a\":2}\n")
        #expect(encode([], columns: ["a"], style: .lines) == "")
    }
}

/// The compact-JSON writer keeps whitespace inside strings.
struct TextFormattingTests {
    @Test func compactJSONKeepsStringContents() {
        var out = ByteBuffer()
        var json = "{\"a b\": \"x \\\" y\",\n \"c\": [1, 2]}"
        json.withUTF8 { utf8 in
            out.writeWithRawByteWriter { TextFormatting.writeCompactJSON(UnsafeRawBufferPointer(utf8), into: &$0) }
        }
        #expect(String(buffer: out) == "{\"a b\":\"x \\\" y\",\"c\":[1,2]}")
    }
}
