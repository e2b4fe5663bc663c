/// One exported column: its declared PostgreSQL type and what DESIGN §5a makes of it.
struct SnapshotColumn: Sendable {
    /// How a cell travels in the file, and so how the readers' values are compared.
    enum Kind: Sendable, Equatable {
        /// BYTE_ARRAY STRING: text, uuid, unconstrained numeric, a column holding NaN/infinity.
        case string
        /// jsonb: a STRING whose text equals PostgreSQL's by value.
        case json
        /// INT64 (smallint, integer, bigint).
        case int
        case bool
        /// INT64 TIMESTAMP(UTC, MICROS); cells are microseconds since the epoch.
        case micros
        /// DECIMAL(precision, scale); cells are PostgreSQL's exact text.
        case decimal(precision: Int, scale: Int)

        var scriptName: String {
            switch self {
            case .string: "string"
            case .json: "json"
            case .int: "int"
            case .bool: "bool"
            case .micros: "micros"
            case .decimal: "decimal"
            }
        }

        /// The Arrow type pyarrow reads the column as.
        var arrowType: String {
            switch self {
            case .string, .json: "string"
            case .int: "int64"
            case .bool: "bool"
            case .micros: "timestamp[us, tz=UTC]"
            case .decimal(let p, let s): "decimal128(\(p), \(s))"
            }
        }

        /// The type DuckDB's DESCRIBE shows.
        var duckDBType: String {
            switch self {
            case .string, .json: "VARCHAR"
            case .int: "BIGINT"
            case .bool: "BOOLEAN"
            case .micros: "TIMESTAMP WITH TIME ZONE"
            case .decimal(let p, let s): "DECIMAL(\(p),\(s))"
            }
        }

        /// The physical type and converted type in the footer's schema (pyarrow's names).
        var physicalType: String {
            switch self {
            case .string, .json: "BYTE_ARRAY"
            case .int, .micros: "INT64"
            case .bool: "BOOLEAN"
            case .decimal(let p, _): p <= 9 ? "INT32" : p <= 18 ? "INT64" : "FIXED_LEN_BYTE_ARRAY"
            }
        }

        var convertedType: String {
            switch self {
            case .string, .json: "UTF8"
            case .int, .bool: "NONE"
            case .micros: "TIMESTAMP_MICROS"
            case .decimal: "DECIMAL"
            }
        }

        /// pyarrow's rendering of the logical type, up to the first "," (the timestamp's
        /// rendering goes on with pyarrow-internal flags).
        var logicalTypePrefix: String {
            switch self {
            case .string, .json: "String"
            case .int, .bool: "None"
            case .micros: "Timestamp(isAdjustedToUTC=true, timeUnit=microseconds"
            case .decimal(let p, let s): "Decimal(precision=\(p), scale=\(s))"
            }
        }
    }

    let name: String
    /// information_schema's data_type.
    let dataType: String
    let kind: Kind
}
