/// One data file's statistics, as a Delta `add` action's `stats` carries them: the record count
/// and, per column, the NULL count and (where known) a lower and an upper bound, so engines skip
/// files a predicate cannot match.
///
/// The values are already in Delta's JSON forms (the Parquet encoder chooses them per column
/// type: exact decimal numbers, millisecond timestamp strings, short strings); this type only
/// holds and renders them.
/// Spec: https://github.com/delta-io/delta/blob/master/PROTOCOL.md#per-file-statistics
public struct FileStatistics: Sendable, Hashable {
    /// A bound as it appears in `minValues` / `maxValues`.
    public enum Value: Sendable, Hashable {
        /// JSON number text, exact and written as it is: `42`, `-12.50` (never a float's rounding).
        case number(String)
        /// A JSON string: escaped when rendered.
        case string(String)
    }

    /// One column's statistics.
    public struct Column: Sendable, Hashable {
        /// The column's name, as the table's schema (and the Parquet file) spells it.
        public var name: String
        /// NULLs of the column in the file.
        public var nullCount: Int64
        /// A value <= every non-NULL value of the column in the file, when one is known.
        public var min: Value?
        /// A value >= every non-NULL value of the column in the file, when one is known.
        public var max: Value?

        public init(name: String, nullCount: Int64, min: Value? = nil, max: Value? = nil) {
            self.name = name
            self.nullCount = nullCount
            self.min = min
            self.max = max
        }
    }

    /// Rows in the file.
    public var numRecords: Int64
    /// Every column of the file, in schema order.
    public var columns: [Column]

    public init(numRecords: Int64, columns: [Column]) {
        self.numRecords = numRecords
        self.columns = columns
    }

    /// The Delta `stats` JSON text: `{"numRecords":N,"minValues":{…},"maxValues":{…},"nullCount":{…}}`,
    /// compact, keys in column order. `minValues` / `maxValues` list only the columns with such a
    /// bound (and are `{}` when none has one); `nullCount` lists every column.
    public var deltaJSON: String {
        var out = "{\"numRecords\":"
        out += String(numRecords)
        out += ",\"minValues\":"
        Self.appendObject(columns.compactMap { column in column.min.map { (column.name, $0) } }, to: &out)
        out += ",\"maxValues\":"
        Self.appendObject(columns.compactMap { column in column.max.map { (column.name, $0) } }, to: &out)
        out += ",\"nullCount\":"
        Self.appendObject(columns.map { ($0.name, Value.number(String($0.nullCount))) }, to: &out)
        out += "}"
        return out
    }

    private static func appendObject(_ entries: [(String, Value)], to out: inout String) {
        out += "{"
        for (index, (name, value)) in entries.enumerated() {
            if index > 0 { out += "," }
            JSONValue.appendStringLiteral(name, to: &out)
            out += ":"
            switch value {
            case .number(let text): out += text
            case .string(let text): JSONValue.appendStringLiteral(text, to: &out)
            }
        }
        out += "}"
    }
}
