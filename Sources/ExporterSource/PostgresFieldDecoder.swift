import ExporterCore
import NIOCore
import PostgresNIO

/// Turns PostgreSQL's binary wire values, as PostgresNIO delivers them cell by cell, into the
/// contract's types (DESIGN §2), without a `String` per cell. The values themselves are read by
/// ``PostgresBinaryValue``, which the binary COPY decoder (``BinaryFieldDecoder``) shares, so both
/// paths render every value identically.
public struct PostgresFieldDecoder {
    /// Why a cell could not be read. Names the column and type, never the value.
    public struct UnsupportedValue: Error, CustomStringConvertible {
        public let column: String
        public let problem: String
        public var description: String { "column \(column) \(problem)" }
    }

    private var scratch = ByteBuffer()

    public init() {
        scratch.reserveCapacity(64)
    }

    /// The cell as a ``FieldValue``. The returned value may share storage with the decoder's
    /// scratch buffer: use it before decoding the next cell.
    public mutating func decode(_ cell: PostgresCell) throws -> FieldValue {
        guard let bytes = cell.bytes else { return .null }
        if cell.format == .text { return .text(bytes) }
        guard let type = Self.wireType(cell.dataType) else {
            throw UnsupportedValue(column: cell.columnName, problem: "has type \(cell.dataType), which the exporter cannot read")
        }
        do {
            return try PostgresBinaryValue.decode(bytes, as: type, scratch: &scratch)
        } catch {
            throw UnsupportedValue(column: cell.columnName, problem: error.predicate(type: type))
        }
    }

    /// The send format of a type PostgresNIO names by OID; nil for any other type.
    static func wireType(_ type: PostgresDataType) -> PostgresWireType? {
        switch type {
        case .text, .varchar, .bpchar, .name: .text
        case .json: .json
        case .jsonb: .jsonb
        case .bool: .bool
        case .int2: .int2
        case .int4: .int4
        case .int8: .int8
        case .float4: .float4
        case .float8: .float8
        case .numeric: .numeric
        case .timestamp: .timestamp
        case .timestamptz: .timestamptz
        case .date: .date
        case .uuid: .uuid
        default: nil
        }
    }
}
