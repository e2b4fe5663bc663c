/// The binary send format of a column, as PostgreSQL writes it in `COPY ... (FORMAT binary)` and
/// in binary query results, for the types the exporter reads.
///
/// Why a type of its own: binary COPY sends no type with a field, only its length and bytes, so
/// the decoder must be told once per query how to read each column. The names come from the
/// catalog (`pg_type.typname`), not from OIDs: an extension type such as `citext` has a different
/// OID in every database, and a domain must be resolved to its base type first, whose name is
/// stable. Several SQL types share one send format (every text type sends raw UTF-8), so this
/// names the format, not the SQL type.
/// Send functions: https://github.com/postgres/postgres/tree/REL_15_STABLE/src/backend/utils/adt
public enum PostgresWireType: Sendable, Hashable {
    /// Raw UTF-8 (`textsend`): text, varchar, bpchar (with its padding), name, citext.
    case text
    /// JSON text as the client sent it (`json_send`).
    case json
    /// A version byte (1), then the JSON text in PostgreSQL's normalised form (`jsonb_send`).
    case jsonb
    /// One byte, 0 or 1.
    case bool
    /// Big-endian two's complement integers of 2, 4 and 8 bytes.
    case int2, int4, int8
    /// IEEE 754 single and double precision, big-endian.
    case float4, float8
    /// ndigits, weight, sign, dscale (int16 each), then ndigits base-10000 digits (`numeric_send`).
    case numeric
    /// int64 microseconds since 2000-01-01 00:00:00, `Int64.max`/`.min` for ±infinity. A
    /// timestamptz is an instant in UTC; a timestamp without time zone sends its wall-clock
    /// reading the same way, and the exporter reads it as UTC, as it always has.
    case timestamp, timestamptz
    /// int32 days since 2000-01-01, `Int32.max`/`.min` for ±infinity.
    case date
    /// The 16 bytes of the UUID.
    case uuid

    /// The send format of the type PostgreSQL names `typeName` (`pg_type.typname`, of the base
    /// type when the column's type is a domain); nil for a type the exporter cannot read, which
    /// the caller reports naming the column.
    public init?(typeName: String) {
        switch typeName {
        case "text", "varchar", "bpchar", "name", "citext": self = .text
        case "json": self = .json
        case "jsonb": self = .jsonb
        case "bool": self = .bool
        case "int2": self = .int2
        case "int4": self = .int4
        case "int8": self = .int8
        case "float4": self = .float4
        case "float8": self = .float8
        case "numeric": self = .numeric
        case "timestamp": self = .timestamp
        case "timestamptz": self = .timestamptz
        case "date": self = .date
        case "uuid": self = .uuid
        default: return nil
        }
    }

    /// The type's name in error messages (`column amount has a malformed numeric value`).
    public var name: String {
        switch self {
        case .text: "text"
        case .json: "json"
        case .jsonb: "jsonb"
        case .bool: "bool"
        case .int2: "int2"
        case .int4: "int4"
        case .int8: "int8"
        case .float4: "float4"
        case .float8: "float8"
        case .numeric: "numeric"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .date: "date"
        case .uuid: "uuid"
        }
    }
}
