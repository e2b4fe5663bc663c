/// A column of an entity as PostgreSQL declares it, for formats that carry types (Parquet).
///
/// Read from the catalog at run time, not written down here: FlexPrice owns its schema, and a
/// numeric's precision and scale are whatever its migrations declared. A typed file must say
/// exactly what the column holds, so the precision comes from the database itself.
public struct SourceColumn: Sendable, Hashable {
    /// The declared type, reduced to what the exporter distinguishes.
    public enum DeclaredType: Sendable, Hashable {
        /// text, varchar, char, uuid, date, name: exported as text.
        case text
        /// smallint, integer, bigint.
        case integer
        case boolean
        /// timestamptz or timestamp, exported as a UTC instant.
        case timestamp
        /// numeric(precision, scale), as declared (PostgreSQL 15 allows a negative scale, or one
        /// above the precision: those stay text in a typed format).
        case numeric(precision: Int, scale: Int)
        /// numeric with no declared precision: any number of digits, so only text holds it exactly.
        case unconstrainedNumeric
        /// json, jsonb.
        case json
        /// Anything else the decoder renders as text (real, double precision, ...).
        case other
    }

    public let name: String
    public let type: DeclaredType
    /// PostgreSQL's name of the column's base type (`pg_type.typname`: `int8`, `timestamptz`,
    /// `numeric`, ...): which binary format the source sends the values in.
    public let typeName: String?
    /// The window holds a value the typed form cannot hold: a numeric `NaN`, or a timestamp of
    /// `infinity`/`-infinity`. Such a column is written as text for that window, never as a
    /// float or a made-up instant.
    public let holdsSpecialValues: Bool

    public init(name: String, type: DeclaredType, typeName: String? = nil, holdsSpecialValues: Bool = false) {
        self.name = name
        self.type = type
        self.typeName = typeName
        self.holdsSpecialValues = holdsSpecialValues
    }
}

extension SourceColumn {
    /// The widest DECIMAL a typed format declares (DESIGN §5a: numeric(p,s) with p <= 38).
    public static let maxDecimalPrecision = 38

    /// The declared numeric's precision and scale when a DECIMAL holds it (DESIGN §5a): at most
    /// 38 digits, a scale from 0 to the precision. Nil for any other type, an unconstrained
    /// numeric or an odd typmod, which stay text. The Parquet files and the warehouse tables over
    /// them follow this one rule.
    public var decimal: (precision: Int, scale: Int)? {
        guard case .numeric(let precision, let scale) = type, (1...Self.maxDecimalPrecision).contains(precision),
              (0...precision).contains(scale)
        else { return nil }
        return (precision, scale)
    }
}
