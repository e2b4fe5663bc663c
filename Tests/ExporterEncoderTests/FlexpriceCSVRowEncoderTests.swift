import ExporterCore
import ExporterEncoder
import NIOCore
import TestSupport
import Testing

/// FlexPrice's CSV dialect with exact bytes. Expected values follow the documented rules of the Go
/// code FlexPrice runs: encoding/csv's Writer (https://pkg.go.dev/encoding/csv#Writer, quoting per
/// `fieldNeedsQuotes`), time.RFC3339 (https://pkg.go.dev/time#pkg-constants), shopspring/decimal's
/// String (https://pkg.go.dev/github.com/shopspring/decimal#Decimal.String) and encoding/json's
/// Marshal (https://pkg.go.dev/encoding/json#Marshal: sorted map keys, HTML escaping, `\b` `\f`
/// since https://go.dev/doc/go1.22#encoding/json), and the bodies FlexPrice's exporter would write
/// for the fixture's rows (db/flexprice-scheduled-tasks.sql).
struct FlexpriceCSVRowEncoderTests {
    typealias Style = FlexpriceCSVRowEncoder.ColumnStyle

    /// The file for `rows` under a header of `columns` (all plain unless `styles` says otherwise).
    func encode(_ rows: [[TestCell]], columns: [String], styles: [String: Style] = [:]) -> String {
        encodeFile(FlexpriceCSVRowEncoder(columns: columns, styles: styles), rows)
    }

    /// One row of one field, without the header: the field's text and the `\n` after it.
    func field(_ cell: TestCell, _ style: Style = .plain) -> String {
        let file = encode([[cell]], columns: ["c"], styles: ["c": style])
        return String(file.dropFirst("c\n".count))
    }

    /// One field from raw bytes (for bytes a Swift `String` cannot hold: invalid UTF-8).
    func field(rawJSON bytes: [UInt8], _ style: Style) -> [UInt8] {
        var encoder = FlexpriceCSVRowEncoder(columns: ["c"], styles: ["c": style])
        var buffer = ByteBuffer()
        bytes.withUnsafeBytes { raw in
            buffer.writeWithRawByteWriter { out in
                encoder.beginRow(into: &out)
                encoder.writeField(.json(raw), into: &out)
                encoder.endRow(into: &out)
            }
        }
        return Array(buffer.readableBytesView)
    }

    /// An instant in UTC as microseconds, for rows written like the fixture's.
    func utc(_ year: Int64, _ month: Int64, _ day: Int64, _ hour: Int64 = 0, _ minute: Int64 = 0,
             _ second: Int64 = 0, micros: Int64 = 0) -> TestCell {
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        return .timestamp(micros: ((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + micros)
    }

    // MARK: lines

    @Test func headerAndRecordsEndWithLineFeed() {
        let csv = encode([[.text("a"), .integer(-7), .bool(true)], [.text("b"), .integer(0), .bool(false)]],
                         columns: ["x", "y", "z"])
        #expect(csv == "x,y,z\na,-7,true\nb,0,false\n")
    }

    @Test func emptyFileIsTheHeaderAlone() {
        #expect(encode([], columns: ["topup_id", "external_id"]) == "topup_id,external_id\n")
    }

    @Test func headerNamesAreQuotedByTheSameRules() {
        #expect(encode([], columns: ["a,b", " c", "d"]) == "\"a,b\",\" c\",d\n")
    }

    // MARK: encoding/csv quoting

    @Test func nullAndEmptyStringAreBothAnEmptyField() {
        #expect(encode([[.null, .text(""), .null]], columns: ["a", "b", "c"]) == "a,b,c\n,,\n")
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("with,comma", "\"with,comma\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("\"", "\"\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("cr\rhere", "\"cr\rhere\""),
        ("crlf\r\nkept", "\"crlf\r\nkept\""),
        ("trailing space ", "trailing space "),
        ("inner space", "inner space"),
        ("Zürich ☕ 東京", "Zürich ☕ 東京"),
    ])
    func quotesOnlyWhatGoQuotes(_ value: String, _ expected: String) {
        #expect(field(.text(value)) == expected + "\n")
    }

    @Test(arguments: [
        (" lead", "\" lead\""),
        ("\tlead", "\"\tlead\""),
        ("\u{0B}vt", "\"\u{0B}vt\""),
        ("\u{0C}ff", "\"\u{0C}ff\""),
        ("\u{85}nel", "\"\u{85}nel\""),
        ("\u{A0}nbsp", "\"\u{A0}nbsp\""),
        ("\u{1680}ogham", "\"\u{1680}ogham\""),
        ("\u{2000}en quad", "\"\u{2000}en quad\""),
        ("\u{200A}hair", "\"\u{200A}hair\""),
        ("\u{2028}ls", "\"\u{2028}ls\""),
        ("\u{2029}ps", "\"\u{2029}ps\""),
        ("\u{202F}nnbsp", "\"\u{202F}nnbsp\""),
        ("\u{205F}mmsp", "\"\u{205F}mmsp\""),
        ("\u{3000}ideographic", "\"\u{3000}ideographic\""),
        // Not White_Space: zero width space, BOM, a letter after a space.
        ("\u{200B}zwsp", "\u{200B}zwsp"),
        ("\u{FEFF}bom", "\u{FEFF}bom"),
        ("x ", "x "),
    ])
    func quotesAFieldThatBeginsWithAUnicodeSpace(_ value: String, _ expected: String) {
        #expect(field(.text(value)) == expected + "\n")
    }

    @Test func quotesExactlyBackslashDot() {
        #expect(field(.text("\\.")) == "\"\\.\"\n")
        #expect(field(.text("\\.x")) == "\\.x\n")
        #expect(field(.text("x\\.")) == "x\\.\n")
        #expect(field(.text("\\")) == "\\\n")
    }

    // MARK: values

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (1_795_169_730_000_000, "2026-11-20T10:15:30Z"),
        // Sub-seconds are dropped, not rounded.
        (1_795_169_730_999_999, "2026-11-20T10:15:30Z"),
        (1_795_169_730_000_001, "2026-11-20T10:15:30Z"),
        // Before 1970 the fraction is dropped towards the earlier second, as Go's time keeps it.
        (-1, "1969-12-31T23:59:59Z"),
        (-1_000_000, "1969-12-31T23:59:59Z"),
        (-1_000_001, "1969-12-31T23:59:58Z"),
        (-1_500_000, "1969-12-31T23:59:58Z"),
        (-86_400_000_000, "1969-12-31T00:00:00Z"),
        (-14_182_940_250_000, "1969-07-20T20:17:39Z"),
        (-2_208_988_800_000_000, "1900-01-01T00:00:00Z"),
        // Go pads years to four digits and writes more when there are more, `-` before year 0.
        (-62_135_596_800_000_000, "0001-01-01T00:00:00Z"),
        (-62_167_219_200_000_000, "0000-01-01T00:00:00Z"),
        (-62_198_755_200_000_000, "-0001-01-01T00:00:00Z"),
        (253_402_300_800_000_000, "10000-01-01T00:00:00Z"),
        (253_402_300_799_999_999, "9999-12-31T23:59:59Z"),
    ])
    func timestampsAreRFC3339SecondsInUTC(_ micros: Int64, _ expected: String) {
        #expect(field(.timestamp(micros: micros)) == expected + "\n")
    }

    @Test(arguments: [
        ("100.00000000", "100"),
        ("12.50000000", "12.5"),
        ("12.50", "12.5"),
        ("0.000", "0"),
        ("0.00000000", "0"),
        ("-3.10", "-3.1"),
        ("-0.00", "0"),
        ("-0", "0"),
        ("0", "0"),
        ("100", "100"),
        ("-42", "-42"),
        ("0.00000001", "0.00000001"),
        ("-0.500", "-0.5"),
        ("0.000000001", "0.000000001"),
        ("90.000000001", "90.000000001"),
        ("1234567890.12345678", "1234567890.12345678"),
        ("123456789012345678901234567890.50000", "123456789012345678901234567890.5"),
        ("007.10", "7.1"),
        // Not a decimal shopspring could hold: written as it is.
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
    ])
    func decimalsAreShopspringStrings(_ value: String, _ expected: String) {
        #expect(field(.decimal(value)) == expected + "\n")
    }

    @Test func zeroWhenNullColumnsWriteZeroForNull() {
        let csv = encode([[.null, .null, .decimal("10.00000000")], [.decimal("0.00"), .null, .null]],
                         columns: ["total_tax", "amount", "total_discount"],
                         styles: ["total_tax": .zeroWhenNull, "total_discount": .zeroWhenNull])
        #expect(csv == "total_tax,amount,total_discount\n0,,10\n0,,0\n")
    }

    @Test(arguments: [Int64.min, -1, 0, 7, 1_795_132_800_000, Int64.max])
    func integersAreDecimalDigits(_ value: Int64) {
        #expect(field(.integer(value)) == "\(value)\n")
    }

    @Test func booleans() {
        #expect(encode([[.bool(true), .bool(false)]], columns: ["a", "b"]) == "a,b\ntrue,false\n")
    }

    // MARK: JSON as Go marshals it

    @Test func jsonIsCompactWithKeysSortedRecursively() {
        let json = #"{"b": 1, "a": {"d": [3, {"z": true, "y": null}, []], "c": "x"}, "e": {}}"#
        #expect(field(.json(json)) == #""{""a"":{""c"":""x"",""d"":[3,{""y"":null,""z"":true},[]]},""b"":1,""e"":{}}""# + "\n")
    }

    @Test func jsonbTextFromPostgreSQLLosesItsSpaces() {
        #expect(field(.json(#"{"a": 1, "b": [1, 2]}"#)) == #""{""a"":1,""b"":[1,2]}""# + "\n")
        #expect(field(.json(" \t\r\n{ \"a\" :\n[ ] } \n")) == #""{""a"":[]}""# + "\n")
    }

    @Test func keysSortByUTF8BytesNotUTF16() {
        // U+FF61 is EF BD A1, U+1F600 is F0 9F 98 80: byte order puts U+FF61 first (UTF-16 would not).
        let json = #"{"😀":7,"｡":6,"日":5,"é":4,"z":3,"a":2,"Z":1,"":0}"#
        #expect(field(.json(json)) == #""{"""":0,""Z"":1,""a"":2,""z"":3,""é"":4,""日"":5,""｡"":6,""😀"":7}""# + "\n")
    }

    @Test func keysSortByTheirUnescapedText() {
        // `\u0061` is `a`, `\u00e9` is `é` (after `z`), `\ud83d\ude00` is 😀.
        let json = #"{"b":1,"\u0061":2,"\u00e9":3,"z":4,"\ud83d\ude00":5}"#
        #expect(field(.json(json)) == #""{""a"":2,""b"":1,""z"":4,""é"":3,""😀"":5}""# + "\n")
    }

    @Test func theLastOfDuplicateKeysWins() {
        #expect(field(.json(#"{"a":1,"b":2,"a":3}"#)) == #""{""a"":3,""b"":2}""# + "\n")
        #expect(field(.json(#"{"a":1,"\u0061":{"x":2},"b":0}"#)) == #""{""a"":{""x"":2},""b"":0}""# + "\n")
        #expect(field(.json(#"{"k":[{"a":1,"a":2}],"k":null}"#)) == #""{""k"":null}""# + "\n")
    }

    @Test func htmlCharactersAndLineSeparatorsAreEscaped() {
        #expect(field(.json(#"{"h":"<a href='x'>&amp;</a>"}"#))
                == #""{""h"":""\u003ca href='x'\u003e\u0026amp;\u003c/a\u003e""}""# + "\n")
        // Raw or escaped in the source, U+2028 and U+2029 come out escaped.
        #expect(field(.json("[\"a\u{2028}b\", \"c\\u2029d\"]")) == #""[""a\u2028b"",""c\u2029d""]""# + "\n")
        // In keys too.
        #expect(field(.json(#"{"<k>":1}"#)) == #""{""\u003ck\u003e"":1}""# + "\n")
    }

    @Test func controlCharactersAreEscapedAsGoDoes() {
        let json = #"["\u0000\u0001\u001f\b\f\n\r\t\u000b\u007f"]"#
        #expect(field(.json(json)) == "\"[\"\"\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t\\u000b\u{7F}\"\"]\"\n")
    }

    @Test func escapesAreResolvedAndWrittenAsGoWrites() {
        // `\/` is `/`, `\u00e9` is é, a pair is one character; `"` and `\` keep their escapes.
        let json = #"["\/x", "\u00e9", "\ud83d\ude00", "q\"b\\s", "\u0041"]"#
        #expect(field(.json(json)) == #""[""/x"",""é"",""😀"",""q\""b\\s"",""A""]""# + "\n")
    }

    @Test func loneSurrogatesBecomeTheReplacementCharacter() {
        // A high surrogate without its low half, a low one alone, two in the wrong order.
        let json = #"["\ud800", "\udc00x", "\udc00\ud800", "\ud800\u0041"]"#
        #expect(field(.json(json)) == "\"[\"\"\u{FFFD}\"\",\"\"\u{FFFD}x\"\",\"\"\u{FFFD}\u{FFFD}\"\",\"\"\u{FFFD}A\"\"]\"\n")
    }

    @Test func invalidUTF8BecomesTheReplacementCharacter() {
        // 0xFF, an overlong `/` (C0 AF), a UTF-8 surrogate (ED A0 80), a cut sequence (E2 82).
        let bytes: [UInt8] = [0x5B, 0x22, 0xFF, 0x61, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xE2, 0x82, 0x22, 0x5D]
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        var expected: [UInt8] = Array("\"[\"\"".utf8) + replacement + [0x61]
        expected += replacement + replacement + replacement + replacement + replacement + replacement + replacement
        expected += Array("\"\"]\"\n".utf8)
        #expect(field(rawJSON: bytes, .plain) == expected)
    }

    @Test func unicodePassesThroughUnescaped() {
        #expect(field(.json(#"{"name":"Zürich \"Bank\" AG ☕ 東京 😀"}"#))
                == #""{""name"":""Zürich \""Bank\"" AG ☕ 東京 😀""}""# + "\n")
    }

    @Test func numbersKeepTheirText() {
        // Go would write 1.5, 100, 0, 12345678901234567000 and 1e+21 (float64); these are amounts.
        let json = #"[1.50, 1e2, -0, 12345678901234567890, 1E+21, 0.000001]"#
        #expect(field(.json(json)) == "\"[1.50,1e2,-0,12345678901234567890,1E+21,0.000001]\"\n")
    }

    @Test func topLevelValuesAreQuotedOnlyWhenTheyHoldAQuoteOrAComma() {
        #expect(field(.json("[1]")) == "[1]\n")
        #expect(field(.json("[ 1 , 2 ]")) == "\"[1,2]\"\n")
        #expect(field(.json("[[1],[2]]")) == "\"[[1],[2]]\"\n")
        #expect(field(.json("{}")) == "{}\n")
        #expect(field(.json("[]")) == "[]\n")
        #expect(field(.json(" 5 ")) == "5\n")
        #expect(field(.json("true")) == "true\n")
        #expect(field(.json("null")) == "null\n")
        #expect(field(.json(#""s""#)) == "\"\"\"s\"\"\"\n")
        #expect(field(.json(#"{"a":1}"#)) == "\"{\"\"a\"\":1}\"\n")
    }

    @Test func nullOfAJSONColumnIsNull() {
        let csv = encode([[.null, .null, .null]], columns: ["metadata", "properties", "other"],
                         styles: ["metadata": .json, "properties": .jsonObject])
        #expect(csv == "metadata,properties,other\nnull,null,\n")
    }

    @Test func textInAJSONColumnIsJSON() {
        #expect(field(.text(#"{"b": 1, "a": 2}"#), .json) == #""{""a"":2,""b"":1}""# + "\n")
        // In a plain column text stays text.
        #expect(field(.text(#"{"b": 1, "a": 2}"#)) == #""{""b"": 1, ""a"": 2}""# + "\n")
    }

    @Test func invalidJSONInAJSONColumnIsWrittenAsText() {
        #expect(field(.json(#"{"a":"#)) == #""{""a"":""# + "\n")
        #expect(field(.json("")) == "\n")
        #expect(field(.text("not json"), .json) == "not json\n")
    }

    @Test func nestingAsDeepAsGoAcceptsIsRewritten() {
        let depth = 10_000
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(field(.json(deep)) == deep + "\n")
        let objects = String(repeating: #"{"k":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        let expected = "\"" + String(repeating: #"{""k"":"#, count: depth) + "1" + String(repeating: "}", count: depth) + "\"\n"
        #expect(field(.json(objects)) == expected)
    }

    @Test func nestingDeeperThanGoAcceptsIsNotJSON() {
        let deep = String(repeating: "[", count: 10_001) + String(repeating: "]", count: 10_001)
        #expect(field(.json(deep)) == deep + "\n")
        #expect(field(.text(#"{"a":"# + deep + "}"), .jsonObject) == "{}\n")
    }

    @Test(arguments: [
        #"{"a":1,}"#, #"{"a" 1}"#, #"{a:1}"#, "[1,]", "[01]", "[1.]", "[.5]", "[1e]", "[+1]", "[-]",
        "[\"\\x\"]", "[\"\\u12\"]", "[\"tab\there\"]", "[\"open]", "[tru]", "[nul]", "{\"a\":1}}",
        "{\"a\":1} x", "[1] [2]", "]", "{", "\"", "1 2", "[1 2]", "{\"a\":1 \"b\":2}",
    ])
    func whatGoRefusesIsNotJSON(_ text: String) {
        #expect(field(.text(text), .jsonObject) == "{}\n")
    }

    // MARK: properties (jsonObject)

    @Test func propertiesAsFlexPriceReadsThem() {
        #expect(field(.text(""), .jsonObject) == "null\n")
        #expect(field(.null, .jsonObject) == "null\n")
        #expect(field(.text("null"), .jsonObject) == "null\n")
        #expect(field(.text(" null "), .jsonObject) == "null\n")
        #expect(field(.text("   "), .jsonObject) == "{}\n")
        #expect(field(.text("[1]"), .jsonObject) == "{}\n")
        #expect(field(.text("5"), .jsonObject) == "{}\n")
        #expect(field(.text("true"), .jsonObject) == "{}\n")
        #expect(field(.text(#""s""#), .jsonObject) == "{}\n")
        #expect(field(.text("not json"), .jsonObject) == "{}\n")
        #expect(field(.text("{}"), .jsonObject) == "{}\n")
        #expect(field(.text(#"{"region":"eu","bytes":1024}"#), .jsonObject) == #""{""bytes"":1024,""region"":""eu""}""# + "\n")
        #expect(field(.json(#"{"b": [1, 2], "a": "x"}"#), .jsonObject) == #""{""a"":""x"",""b"":[1,2]}""# + "\n")
    }

    // MARK: whole rows of FlexPrice's exports

    static let eventsColumns = [
        "id", "tenant_id", "environment_id", "external_customer_id", "customer_id", "subscription_id",
        "sub_line_item_id", "price_id", "meter_id", "feature_id", "event_name", "source", "timestamp",
        "ingested_at", "period_id", "qty_total", "provisional_usage_charges", "properties", "unique_hash",
    ]

    @Test func eventsRows() {
        let rows: [[TestCell]] = [
            [.text("evt_sched_01"), .text("tenant_sched"), .text("env_sched"), .text("ext-acme"), .null, .null,
             .null, .null, .text("meter_api_calls"), .null, .text("api.request"), .text("sdk"),
             utc(2026, 11, 20, 10, 15, 30), utc(2026, 11, 20, 10, 15, 31, micros: 123_000), .null,
             .decimal("12.50000000"), .null,
             .text(#"{"region":"eu-west-1","bytes":1024,"path":"/v1/<x>&y","tags":["a","b"]}"#), .text("h_8f2c")],
            [.text("evt_sched_02"), .text("tenant_sched"), .text("env_sched"), .text("ext-zurich, AG"), .null, .null,
             .null, .null, .text("meter_storage"), .null, .text("storage.gb"), .text(""),
             utc(2026, 11, 20, 10, 59, 59), utc(2026, 11, 20, 11, 0, 0, micros: 999_000), .null,
             .decimal("100.00000000"), .null, .text(""), .text("")],
        ]
        let csv = encode(rows, columns: Self.eventsColumns, styles: ["properties": .jsonObject])
        #expect(csv == """
            id,tenant_id,environment_id,external_customer_id,customer_id,subscription_id,sub_line_item_id,price_id,meter_id,feature_id,event_name,source,timestamp,ingested_at,period_id,qty_total,provisional_usage_charges,properties,unique_hash
            evt_sched_01,tenant_sched,env_sched,ext-acme,,,,,meter_api_calls,,api.request,sdk,2026-11-20T10:15:30Z,2026-11-20T10:15:31Z,,12.5,,"{""bytes"":1024,""path"":""/v1/\\u003cx\\u003e\\u0026y"",""region"":""eu-west-1"",""tags"":[""a"",""b""]}",h_8f2c
            evt_sched_02,tenant_sched,env_sched,"ext-zurich, AG",,,,,meter_storage,,storage.gb,,2026-11-20T10:59:59Z,2026-11-20T11:00:00Z,,100,,null,

            """)
    }

    static let invoiceColumns = [
        "id", "tenant_id", "environment_id", "customer_id", "subscription_id", "invoice_number", "invoice_type",
        "invoice_status", "payment_status", "currency", "amount_due", "amount_paid", "amount_remaining", "subtotal",
        "total", "total_discount", "total_tax", "adjustment_amount", "refunded_amount", "billing_sequence",
        "description", "due_date", "paid_at", "voided_at", "finalized_at", "billing_period", "period_start",
        "period_end", "invoice_pdf_url", "billing_reason", "metadata", "idempotency_key", "version", "status",
        "created_by", "updated_by", "created_at", "updated_at",
    ]
    static let invoiceStyles: [String: Style] = ["total_discount": .zeroWhenNull, "total_tax": .zeroWhenNull, "metadata": .json]

    /// The fixture's inv_sched_01, 02 and 05 as PostgreSQL hands them over (numeric(20,8) text at
    /// full scale, jsonb's own text), and the lines the facts list for FlexPrice's export of them.
    @Test func invoiceRows() {
        let rows: [[TestCell]] = [
            [.text("inv_sched_01"), .text("tenant_sched"), .text("env_sched"), .text("cust_sched_1"), .text("sub_sched_1"),
             .text("INV-2026-0001"), .text("SUBSCRIPTION"), .text("FINALIZED"), .text("SUCCEEDED"), .text("usd"),
             .decimal("100.00000000"), .decimal("100.00000000"), .decimal("0.00000000"), .decimal("110.00000000"),
             .decimal("100.00000000"), .decimal("10.00000000"), .decimal("0.00000000"), .decimal("0.00000000"),
             .decimal("0.00000000"), .integer(1), .text(#"November, "Pro" plan"#), utc(2026, 12, 4), utc(2026, 11, 20, 9),
             .null, utc(2026, 11, 19), .text("MONTHLY"), utc(2026, 10, 19), utc(2026, 11, 19),
             .text("https://files.example/inv/INV-2026-0001.pdf"), .text("SUBSCRIPTION_CYCLE"),
             .json(#"{"note": "a, \"quoted\" <note> & more", "po_number": "PO-7731"}"#), .text("idem-sched-01"),
             .integer(3), .text("published"), .text("user_sched_admin"), .text("user_sched_billing"),
             utc(2026, 11, 19), utc(2026, 11, 20, 9)],
            [.text("inv_sched_02"), .text("tenant_sched"), .text("env_sched"), .text("cust_sched_2"), .null, .null,
             .text("ONE_OFF"), .text("DRAFT"), .text("PENDING"), .text("eur"),
             .decimal("19.99000000"), .decimal("0.00000000"), .decimal("19.99000000"), .decimal("19.99000000"),
             .decimal("19.99000000"), .null, .null, .decimal("0.00000000"), .decimal("0.00000000"), .null, .null,
             .null, .null, .null, .null, .null, .null, .null, .null, .text("MANUAL"), .null, .null, .integer(1),
             .text("published"), .null, .null, utc(2026, 11, 19, 18, 45, 30, micros: 500_000),
             utc(2026, 11, 19, 18, 45, 30, micros: 500_000)],
            [.text("inv_sched_05"), .text("tenant_sched"), .text("env_sched"), .text("cust_sched_2"), .text("sub_sched_2"),
             .text("INV-2026-0005"), .text("SUBSCRIPTION"), .text("VOIDED"), .text("VOIDED"), .text("eur"),
             .decimal("1234567890.12345678"), .decimal("0.00000000"), .decimal("0.00000000"),
             .decimal("1234567890.12345678"), .decimal("1234567890.12345678"), .decimal("0.00000001"),
             .decimal("222222220.22222222"), .decimal("0.00000000"), .decimal("0.00000000"), .integer(1),
             .text("two\nlines"), utc(2026, 12, 5), .null, utc(2026, 11, 20, 12, 30, 0, micros: 1), utc(2026, 11, 20, 12),
             .text("ANNUAL"), utc(2026, 11, 20), utc(2027, 11, 20), .null, .text("SUBSCRIPTION_CREATE"),
             .json(#"{"multi": "line\nvalue"}"#), .null, .integer(2), .text("published"), .null, .null,
             utc(2026, 11, 20, 12), utc(2026, 11, 20, 12, 30, 0, micros: 1)],
        ]
        let csv = encode(rows, columns: Self.invoiceColumns, styles: Self.invoiceStyles)
        #expect(csv == """
            id,tenant_id,environment_id,customer_id,subscription_id,invoice_number,invoice_type,invoice_status,payment_status,currency,amount_due,amount_paid,amount_remaining,subtotal,total,total_discount,total_tax,adjustment_amount,refunded_amount,billing_sequence,description,due_date,paid_at,voided_at,finalized_at,billing_period,period_start,period_end,invoice_pdf_url,billing_reason,metadata,idempotency_key,version,status,created_by,updated_by,created_at,updated_at
            inv_sched_01,tenant_sched,env_sched,cust_sched_1,sub_sched_1,INV-2026-0001,SUBSCRIPTION,FINALIZED,SUCCEEDED,usd,100,100,0,110,100,10,0,0,0,1,"November, ""Pro"" plan",2026-12-04T00:00:00Z,2026-11-20T09:00:00Z,,2026-11-19T00:00:00Z,MONTHLY,2026-10-19T00:00:00Z,2026-11-19T00:00:00Z,https://files.example/inv/INV-2026-0001.pdf,SUBSCRIPTION_CYCLE,"{""note"":""a, \\""quoted\\"" \\u003cnote\\u003e \\u0026 more"",""po_number"":""PO-7731""}",idem-sched-01,3,published,user_sched_admin,user_sched_billing,2026-11-19T00:00:00Z,2026-11-20T09:00:00Z
            inv_sched_02,tenant_sched,env_sched,cust_sched_2,,,ONE_OFF,DRAFT,PENDING,eur,19.99,0,19.99,19.99,19.99,0,0,0,0,,,,,,,,,,,MANUAL,null,,1,published,,,2026-11-19T18:45:30Z,2026-11-19T18:45:30Z
            inv_sched_05,tenant_sched,env_sched,cust_sched_2,sub_sched_2,INV-2026-0005,SUBSCRIPTION,VOIDED,VOIDED,eur,1234567890.12345678,0,0,1234567890.12345678,1234567890.12345678,0.00000001,222222220.22222222,0,0,1,"two
            lines",2026-12-05T00:00:00Z,,2026-11-20T12:30:00Z,2026-11-20T12:00:00Z,ANNUAL,2026-11-20T00:00:00Z,2027-11-20T00:00:00Z,,SUBSCRIPTION_CREATE,"{""multi"":""line\\nvalue""}",,2,published,,,2026-11-20T12:00:00Z,2026-11-20T12:30:00Z

            """)
    }

    static let creditTopupsColumns = [
        "topup_id", "external_id", "name", "wallet_id", "amount", "credit_balance_before", "credit_balance_after",
        "reference_id", "transaction_reason", "created_at",
    ]

    @Test func creditTopupsRows() {
        let rows: [[TestCell]] = [
            [.text("wtxn_sched_02"), .text("ext-zurich"), .text(#"Zürich "Bank" AG ☕"#), .text("wallet_sched_2"),
             .decimal("25.500000000"), .decimal("0.000000000"), .decimal("25.500000000"), .text("grant_welcome"),
             .text("FREE_CREDIT_GRANT"), utc(2026, 11, 19, 9, 30, 15, micros: 250_000)],
            [.text("wtxn_sched_07"), .text("ext-acme"), .text("Acme, Inc."), .text("wallet_sched_1"),
             .decimal("0.000000001"), .decimal("90.000000000"), .decimal("90.000000001"), .null,
             .text("CREDIT_ADJUSTMENT"), utc(2026, 11, 19, 23, 59, 59)],
        ]
        #expect(encode(rows, columns: Self.creditTopupsColumns) == """
            topup_id,external_id,name,wallet_id,amount,credit_balance_before,credit_balance_after,reference_id,transaction_reason,created_at
            wtxn_sched_02,ext-zurich,"Zürich ""Bank"" AG ☕",wallet_sched_2,25.5,0,25.5,grant_welcome,FREE_CREDIT_GRANT,2026-11-19T09:30:15Z
            wtxn_sched_07,ext-acme,"Acme, Inc.",wallet_sched_1,0.000000001,90,90.000000001,,CREDIT_ADJUSTMENT,2026-11-19T23:59:59Z

            """)
    }
}
