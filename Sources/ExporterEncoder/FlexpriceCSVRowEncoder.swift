import ExporterCore
import NIOCore

/// CSV exactly as FlexPrice's own scheduled exports write it, so that jobs that parse FlexPrice's
/// objects keep working when this daemon replaces FlexPrice's export workers.
///
/// FlexPrice marshals its rows with gocarina/gocsv over Go's `encoding/csv`, having first turned
/// every value into a Go string. Its code (github.com/flexprice/flexprice): the exporters
/// `internal/ee/service/sync/export/event_export.go`, `internal/ee/service/sync/export/invoice_export.go`
/// and `internal/ee/service/sync/export/credit_topup_export.go`; usage rows and their properties
/// read in `internal/repository/clickhouse/meter_usage.go`; invoice NULLs in
/// `internal/domain/invoice/model.go` and `ent/invoice.go`; library versions (gocsv, shopspring/decimal
/// v1.4.0) and the Go toolchain (1.25) in `go.mod` and `Dockerfile`. Its rules, and where they
/// come from:
/// - Lines: a header of the column names, then one record per row, each ending `\n` (the Writer's
///   `UseCRLF` is off); the header is written for an empty file too (gocsv writes it first).
/// - Quoting (Go `encoding/csv` Writer, https://pkg.go.dev/encoding/csv#Writer and its
///   `fieldNeedsQuotes`): a field is quoted when it contains `,` `"` `\r` or `\n`, begins with a
///   Unicode space (`unicode.IsSpace`: tab, LF, VT, FF, CR, space, U+0085, U+00A0, U+1680,
///   U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), or is exactly `\.`; inner `"` are
///   doubled, line breaks inside stay as they are. The empty string is never quoted, so NULL and
///   `""` are the same empty field (``CSVRowEncoder`` keeps them apart; Go cannot).
/// - Timestamps: Go's `time.RFC3339` in UTC, `yyyy-MM-dd'T'HH:mm:ss'Z'`: the fraction is
///   dropped, which for an instant before 1970 means the earlier second (Go keeps a time as
///   seconds plus a non-negative nanosecond part). Years beyond 9999 get more digits, years
///   before 1 a `-`, as Go's formatting does.
/// - Decimals: shopspring/decimal's `String()` (https://pkg.go.dev/github.com/shopspring/decimal#Decimal.String):
///   fixed point, trailing fractional zeros trimmed, no `.` when nothing remains, no sign on
///   zero, never an exponent. Text that is not a plain decimal (PostgreSQL's `NaN`, `Infinity`)
///   is written as it is.
/// - Integers in decimal digits, booleans `true`/`false`.
/// - JSON: Go's `encoding/json.Marshal` of the value `json.Unmarshal` reads (https://pkg.go.dev/encoding/json#Marshal):
///   compact, object keys sorted, HTML characters and U+2028/U+2029 escaped; see
///   ``GoJSONRewriter``.
/// - NULL: an empty field, except where a ``ColumnStyle`` says otherwise.
///
/// Deliberate differences from FlexPrice:
/// - JSON numbers keep their text; FlexPrice sends them through float64 (`1.50` becomes `1.5`,
///   integers above 2^53 change). An amount in a property is worth more than byte equality.
/// - JSON text that is not valid JSON in a ``ColumnStyle/plain`` or ``ColumnStyle/json`` column
///   (PostgreSQL's json and jsonb never hold any) is written as the text it is; FlexPrice's
///   export of such a row fails.
/// - A NULL where FlexPrice's query fails or drops the row (an invoice amount, a top-up's
///   `reference_id`) is an empty field, unless the column says ``ColumnStyle/zeroWhenNull``.
///
/// Per row the encoder's state is one counter; JSON cells are rewritten in scratch space of their
/// own size, released when the cell is written.
public struct FlexpriceCSVRowEncoder: RowEncoder {
    /// What a column's NULL (and, for JSON, its text) becomes: FlexPrice reads columns into
    /// different Go types, and the type decides.
    public enum ColumnStyle: Sendable, Hashable {
        /// NULL is an empty field: text, timestamps, integers and decimals FlexPrice reads as
        /// nullable (`stringOrEmpty`, `timeOrEmpty`, `intOrEmpty`).
        case plain
        /// NULL is `0`: a decimal FlexPrice reads with `lo.FromPtrOr(..., decimal.Zero)` (invoice
        /// `total_tax`, `total_discount`).
        case zeroWhenNull
        /// A jsonb column FlexPrice reads into a Go map (invoice `metadata`): NULL is `null`, and
        /// text is JSON too.
        case json
        /// FlexPrice's usage `properties`, a ClickHouse String holding JSON: NULL or `""` is
        /// `null`, text that is not a JSON object (invalid, an array, a number) is `{}` (the
        /// empty map FlexPrice puts there when `json.Unmarshal` fails), the JSON `null` is `null`,
        /// an object is written as Go marshals it.
        case jsonObject
    }

    /// A column: its header name and how its values are written.
    public struct Column: Sendable, Hashable {
        public var name: String
        public var style: ColumnStyle

        public init(_ name: String, _ style: ColumnStyle = .plain) {
            self.name = name
            self.style = style
        }
    }

    private let header: ByteBuffer
    private let styles: [ColumnStyle]
    private var fieldIndex = 0

    public init(columns: [Column]) {
        var header = ByteBuffer()
        header.writeWithRawByteWriter { out in
            for (i, column) in columns.enumerated() {
                if i > 0 { out.write(UInt8(ascii: ",")) }
                var name = column.name
                name.withUTF8 { Self.writeText(UnsafeRawBufferPointer($0), into: &out) }
            }
            out.write(UInt8(ascii: "\n"))
        }
        self.header = header
        styles = columns.map(\.style)
    }

    /// Columns by name, with the styles of the few that are not ``ColumnStyle/plain``.
    public init(columns: [String], styles: [String: ColumnStyle] = [:]) {
        self.init(columns: columns.map { Column($0, styles[$0] ?? .plain) })
    }

    public mutating func startFile(into out: inout RawByteWriter) {
        out.write(header)
    }

    public mutating func beginRow(into out: inout RawByteWriter) {
        fieldIndex = 0
    }

    public mutating func writeField(_ value: FieldValue, into out: inout RawByteWriter) {
        if fieldIndex > 0 { out.write(UInt8(ascii: ",")) }
        let style = fieldIndex < styles.count ? styles[fieldIndex] : .plain
        fieldIndex += 1
        switch value {
        case .null:
            switch style {
            case .plain: break
            case .zeroWhenNull: out.write(UInt8(ascii: "0"))
            case .json, .jsonObject: out.write("null")
            }
        case .text(let bytes):
            switch style {
            case .plain, .zeroWhenNull: Self.writeText(bytes, into: &out)
            case .json: Self.writeJSON(bytes, into: &out)
            case .jsonObject: Self.writeJSONObject(bytes, into: &out)
            }
        case .json(let bytes):
            if style == .jsonObject {
                Self.writeJSONObject(bytes, into: &out)
            } else {
                Self.writeJSON(bytes, into: &out)
            }
        case .decimal(let bytes):
            Self.writeDecimal(bytes, into: &out)
        case .integer(let n):
            TextFormatting.writeInteger(n, into: &out)
        case .bool(let b):
            out.write(b ? "true" : "false")
        case .timestamp(let micros):
            Self.writeTimestamp(micros: micros, into: &out)
        }
    }

    public mutating func endRow(into out: inout RawByteWriter) {
        out.write(UInt8(ascii: "\n"))
    }

    public mutating func finishFile(into out: inout RawByteWriter) {}

    // MARK: encoding/csv quoting

    /// A field as Go's csv Writer writes it: quoted only when `fieldNeedsQuotes` says so.
    static func writeText(_ field: UnsafeRawBufferPointer, into out: inout RawByteWriter) {
        guard needsQuotes(field) else {
            out.write(field)
            return
        }
        out.write(UInt8(ascii: "\""))
        var start = 0
        for i in 0..<field.count where field[i] == UInt8(ascii: "\"") {
            // Up to and including the quote, then the quote again.
            out.write(UnsafeRawBufferPointer(rebasing: field[start...i]))
            out.write(UInt8(ascii: "\""))
            start = i + 1
        }
        if start < field.count { out.write(UnsafeRawBufferPointer(rebasing: field[start...])) }
        out.write(UInt8(ascii: "\""))
    }

    /// Go's `Writer.fieldNeedsQuotes` with `,` as the separator.
    static func needsQuotes(_ field: UnsafeRawBufferPointer) -> Bool {
        guard !field.isEmpty else { return false }
        if field.count == 2, field[0] == UInt8(ascii: "\\"), field[1] == UInt8(ascii: ".") { return true }
        for byte in field where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
            return true
        }
        return beginsWithSpace(field)
    }

    /// Whether the first character is one `unicode.IsSpace` accepts (the White_Space property),
    /// read from its UTF-8 bytes.
    static func beginsWithSpace(_ field: UnsafeRawBufferPointer) -> Bool {
        func byte(_ i: Int) -> UInt8 { i < field.count ? field[i] : 0 }
        switch byte(0) {
        case 0x09...0x0D, 0x20: return true
        case 0xC2: return byte(1) == 0x85 || byte(1) == 0xA0                      // U+0085, U+00A0
        case 0xE1: return byte(1) == 0x9A && byte(2) == 0x80                      // U+1680
        case 0xE2:
            switch (byte(1), byte(2)) {
            case (0x80, 0x80...0x8A), (0x80, 0xA8), (0x80, 0xA9), (0x80, 0xAF): return true  // U+2000-200A, 2028, 2029, 202F
            case (0x81, 0x9F): return true                                       // U+205F
            default: return false
            }
        case 0xE3: return byte(1) == 0x80 && byte(2) == 0x80                      // U+3000
        default: return false
        }
    }

    // MARK: values

    /// JSON as Go marshals it; text that is not JSON as it is.
    static func writeJSON(_ json: UnsafeRawBufferPointer, into out: inout RawByteWriter) {
        guard let shape = GoJSONRewriter.validate(json) else {
            writeText(json, into: &out)
            return
        }
        writeMarshalled(json, shape: shape, into: &out)
    }

    /// FlexPrice's `properties`: see ``ColumnStyle/jsonObject``.
    static func writeJSONObject(_ json: UnsafeRawBufferPointer, into out: inout RawByteWriter) {
        guard !json.isEmpty else {
            out.write("null")
            return
        }
        guard let shape = GoJSONRewriter.validate(json) else {
            out.write("{}")
            return
        }
        switch shape.kind {
        case .object: writeMarshalled(json, shape: shape, into: &out)
        case .null: out.write("null")
        case .array, .string, .number, .bool: out.write("{}")
        }
    }

    /// The marshalled form, quoted as a CSV field when it contains `"` or `,` (it holds no line
    /// break and never begins with a space).
    private static func writeMarshalled(_ json: UnsafeRawBufferPointer, shape: GoJSONRewriter.Shape,
                                        into out: inout RawByteWriter) {
        if shape.needsCSVQuotes { out.write(UInt8(ascii: "\"")) }
        GoJSONRewriter.write(json, shape: shape, quoted: shape.needsCSVQuotes, into: &out)
        if shape.needsCSVQuotes { out.write(UInt8(ascii: "\"")) }
    }

    /// shopspring's `Decimal.String()` of exact decimal text: `[-]digits[.digits]` with leading
    /// integer zeros and trailing fractional zeros trimmed; anything else as it is.
    static func writeDecimal(_ text: UnsafeRawBufferPointer, into out: inout RawByteWriter) {
        let n = text.count
        func isDigit(_ i: Int) -> Bool { i < n && text[i] >= UInt8(ascii: "0") && text[i] <= UInt8(ascii: "9") }
        var i = 0
        var negative = false
        if i < n, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
            negative = text[i] == UInt8(ascii: "-")
            i += 1
        }
        let integerStart = i
        while isDigit(i) { i += 1 }
        let integerEnd = i
        var fractionStart = i
        if i < n, text[i] == UInt8(ascii: ".") {
            i += 1
            fractionStart = i
            while isDigit(i) { i += 1 }
        }
        let fractionEnd = i
        guard i == n, integerEnd > integerStart || fractionEnd > fractionStart else {
            writeText(text, into: &out)
            return
        }
        var significantStart = integerStart
        while significantStart < integerEnd, text[significantStart] == UInt8(ascii: "0") { significantStart += 1 }
        var significantEnd = fractionEnd
        while significantEnd > fractionStart, text[significantEnd - 1] == UInt8(ascii: "0") { significantEnd -= 1 }
        let integerIsZero = significantStart == integerEnd
        let hasFraction = significantEnd > fractionStart
        guard !integerIsZero || hasFraction else {
            out.write(UInt8(ascii: "0"))
            return
        }
        if negative { out.write(UInt8(ascii: "-")) }
        if integerIsZero {
            out.write(UInt8(ascii: "0"))
        } else {
            out.write(UnsafeRawBufferPointer(rebasing: text[significantStart..<integerEnd]))
        }
        if hasFraction {
            out.write(UInt8(ascii: "."))
            out.write(UnsafeRawBufferPointer(rebasing: text[fractionStart..<significantEnd]))
        }
    }

    /// Go's `t.UTC().Format(time.RFC3339)`: whole seconds (floor), `Z`.
    static func writeTimestamp(micros: Int64, into out: inout RawByteWriter) {
        var seconds = micros / 1_000_000
        if micros % 1_000_000 < 0 { seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let date = CivilDate(daysSinceEpoch: days)
        out.write(maxBytes: 40) { memory in
            var i = 0
            func put(_ byte: UInt8) {
                memory[i] = byte
                i += 1
            }
            /// At least `width` digits, as Go's `appendInt` pads.
            func digits(_ value: Int64, _ width: Int) {
                var v = value.magnitude
                if value < 0 { put(UInt8(ascii: "-")) }
                var count = 1
                var probe = v / 10
                while probe > 0 {
                    count += 1
                    probe /= 10
                }
                let length = max(count, width)
                for k in stride(from: i + length - 1, through: i, by: -1) {
                    memory[k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
                i += length
            }
            digits(date.year, 4)
            put(UInt8(ascii: "-"))
            digits(date.month, 2)
            put(UInt8(ascii: "-"))
            digits(date.day, 2)
            put(UInt8(ascii: "T"))
            digits(secondOfDay / 3_600, 2)
            put(UInt8(ascii: ":"))
            digits(secondOfDay % 3_600 / 60, 2)
            put(UInt8(ascii: ":"))
            digits(secondOfDay % 60, 2)
            put(UInt8(ascii: "Z"))
            return i
        }
    }
}
