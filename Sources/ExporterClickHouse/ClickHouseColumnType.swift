import ExporterCore

/// A column type as ClickHouse declares it in a `RowBinaryWithNamesAndTypes` header
/// (`Nullable(String)`, `LowCardinality(String)`, `DateTime64(3)`, `Decimal(18, 8)`, ...),
/// reduced to how its values are laid out in RowBinary and what the export makes of them.
///
/// RowBinary's layout per type: https://clickhouse.com/docs/interfaces/formats/RowBinary
/// (little-endian fixed-width numbers, a LEB128 length before a String's bytes, a 0/1 byte before
/// a Nullable value, LowCardinality sent as its inner type).
public struct ClickHouseColumnType: Sendable, Hashable {
    /// How one (non-null) value is stored.
    public enum Kind: Sendable, Hashable {
        /// A LEB128 length, then that many bytes.
        case string
        /// Exactly `n` bytes (FixedString(n)).
        case fixedString(Int)
        /// A little-endian integer of `bytes` bytes (1, 2, 4 or 8).
        case integer(bytes: Int, signed: Bool)
        /// One byte, 0 or 1.
        case bool
        case float32, float64
        /// UInt16 days since 1970-01-01.
        case date
        /// Int32 days since 1970-01-01.
        case date32
        /// UInt32 seconds since 1970-01-01 00:00:00 UTC.
        case dateTime
        /// Int64 ticks of 10^-precision seconds since 1970-01-01 00:00:00 UTC.
        case dateTime64(precision: Int)
        /// A little-endian two's complement integer of 4, 8 or 16 bytes, scaled by 10^-scale.
        case decimal(precision: Int, scale: Int)
        /// Two little-endian UInt64 halves, the high half first.
        case uuid

        /// The bytes a value takes, when fixed (nil for String).
        var fixedSize: Int? {
            switch self {
            case .string: nil
            case .fixedString(let n): n
            case .integer(let bytes, _): bytes
            case .bool: 1
            case .float32: 4
            case .float64: 8
            case .date: 2
            case .date32: 4
            case .dateTime: 4
            case .dateTime64: 8
            case .decimal(let precision, _): ClickHouseColumnType.decimalBytes(precision: precision)
            case .uuid: 16
            }
        }
    }

    public let kind: Kind
    /// Nullable(...): each value is preceded by a byte, 1 for NULL.
    public let nullable: Bool
    /// The declaration as the server wrote it.
    public let declaration: String

    public init(kind: Kind, nullable: Bool, declaration: String) {
        self.kind = kind
        self.nullable = nullable
        self.declaration = declaration
    }

    /// Parses a declaration; nil for a type the exporter cannot read (the caller names the column).
    public init?(declaration: String) {
        var text = Substring(declaration.filter { !$0.isWhitespace })
        var nullable = false
        // LowCardinality(Nullable(T)), Nullable(T), LowCardinality(T): the wrappers in any order.
        while true {
            if let inner = Self.unwrap(text, "LowCardinality") {
                text = inner
            } else if let inner = Self.unwrap(text, "Nullable") {
                text = inner
                nullable = true
            } else {
                break
            }
        }
        guard let kind = Self.kind(of: text) else { return nil }
        self.init(kind: kind, nullable: nullable, declaration: declaration)
    }

    private static func unwrap(_ text: Substring, _ wrapper: String) -> Substring? {
        guard text.hasPrefix(wrapper + "("), text.hasSuffix(")") else { return nil }
        return text.dropFirst(wrapper.count + 1).dropLast()
    }

    /// The arguments of `Name(a,b)`, or nil when `text` is not `Name(...)`.
    private static func arguments(_ text: Substring, _ name: String) -> [Substring]? {
        guard let inner = unwrap(text, name) else { return nil }
        return inner.split(separator: ",", omittingEmptySubsequences: false)
    }

    private static func kind(of text: Substring) -> Kind? {
        switch text {
        case "String": return .string
        case "Int8": return .integer(bytes: 1, signed: true)
        case "Int16": return .integer(bytes: 2, signed: true)
        case "Int32": return .integer(bytes: 4, signed: true)
        case "Int64": return .integer(bytes: 8, signed: true)
        case "UInt8": return .integer(bytes: 1, signed: false)
        case "UInt16": return .integer(bytes: 2, signed: false)
        case "UInt32": return .integer(bytes: 4, signed: false)
        case "UInt64": return .integer(bytes: 8, signed: false)
        case "Bool": return .bool
        case "Float32": return .float32
        case "Float64": return .float64
        case "Date": return .date
        case "Date32": return .date32
        case "DateTime": return .dateTime
        case "UUID": return .uuid
        default: break
        }
        // DateTime('UTC'): the time zone changes only how ClickHouse prints it, not the stored instant.
        if text.hasPrefix("DateTime("), !text.hasPrefix("DateTime64(") { return .dateTime }
        if let arguments = arguments(text, "DateTime64") {
            guard let first = arguments.first, let precision = Int(first), (0...9).contains(precision) else { return nil }
            return .dateTime64(precision: precision)
        }
        if let arguments = arguments(text, "FixedString") {
            guard arguments.count == 1, let n = Int(arguments[0]), n > 0 else { return nil }
            return .fixedString(n)
        }
        if let arguments = arguments(text, "Decimal") {
            guard arguments.count == 2, let p = Int(arguments[0]), let s = Int(arguments[1]) else { return nil }
            return decimal(precision: p, scale: s)
        }
        for (name, precision) in [("Decimal32", 9), ("Decimal64", 18), ("Decimal128", 38)] {
            if let arguments = arguments(text, name) {
                guard arguments.count == 1, let s = Int(arguments[0]) else { return nil }
                return decimal(precision: precision, scale: s)
            }
        }
        return nil
    }

    /// Decimal(P, S) with P up to 38 (Decimal256 is not read) and S from 0 to P.
    private static func decimal(precision: Int, scale: Int) -> Kind? {
        guard (1...38).contains(precision), (0...precision).contains(scale) else { return nil }
        return .decimal(precision: precision, scale: scale)
    }

    /// Decimal32 up to precision 9, Decimal64 up to 18, Decimal128 up to 38.
    static func decimalBytes(precision: Int) -> Int {
        precision <= 9 ? 4 : (precision <= 18 ? 8 : 16)
    }

    /// What the export declares for this column (the Parquet type and the warehouse DDL follow it).
    /// `json` marks a String column that holds JSON text (FlexPrice's `properties`).
    public func declaredType(json: Bool) -> SourceColumn.DeclaredType {
        switch kind {
        case .string, .fixedString: json ? .json : .text
        case .uuid, .date, .date32: .text
        // UInt64 can pass Int64.max: a DECIMAL(20, 0) holds every value exactly.
        case .integer(8, false): .numeric(precision: 20, scale: 0)
        case .integer: .integer
        case .bool: .boolean
        case .float32, .float64: .other
        case .dateTime: .timestamp
        // Microseconds hold precision 0 to 6 exactly; finer ticks are written as text at their precision.
        case .dateTime64(let precision): precision <= 6 ? .timestamp : .text
        case .decimal(let precision, let scale): .numeric(precision: precision, scale: scale)
        }
    }
}
