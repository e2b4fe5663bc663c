/// One row of a small query's result, its values in PostgreSQL's text form.
///
/// Small queries (run history, connections, counts) read text: every type has one, and the
/// Swift types asked for are parsed from it, so an `integer` column reads as `Int64` and a
/// `bigint` as `Int` without caring which. Entity rows never come this way: they stream as
/// binary COPY (``DatabaseConnection/copyOut(_:batchMessages:onMessage:afterBatch:)``).
public struct DatabaseRow: Sendable, Hashable {
    /// The columns' names, shared by the rows of one result.
    public let columnNames: [String]
    /// Each column's value as text; nil is SQL NULL.
    public let values: [String?]

    public init(columnNames: [String], values: [String?]) {
        self.columnNames = columnNames
        self.values = values
    }

    /// The first columns as the given types, in order: `row.decode((String, Int64?).self)`.
    public func decode<each T: DatabaseDecodable>(_ types: (repeat each T).Type) throws(DatabaseError) -> (repeat each T) {
        var index = 0
        func next<V: DatabaseDecodable>(_: V.Type) throws(DatabaseError) -> V {
            defer { index += 1 }
            return try decode(V.self, at: index)
        }
        return (repeat try next((each T).self))
    }

    /// The first column as `type`: `row.decode(Int64.self)`.
    public func decode<V: DatabaseDecodable>(_ type: V.Type) throws(DatabaseError) -> V {
        try decode(type, at: 0)
    }

    /// Column `index` as `type`.
    public func decode<V: DatabaseDecodable>(_ type: V.Type, at index: Int) throws(DatabaseError) -> V {
        guard indices.contains(index) else {
            throw DatabaseError(kind: .decoding, message: "the result has \(values.count) columns, column \(index + 1) was asked for")
        }
        return try self[index].decode(type)
    }
}

/// A row is its cells, in column order (`for cell in row`, `row[2]`).
extension DatabaseRow: RandomAccessCollection {
    public var startIndex: Int { values.startIndex }
    public var endIndex: Int { values.endIndex }

    public subscript(position: Int) -> DatabaseCell {
        DatabaseCell(columnName: columnNames[position], text: values[position])
    }
}

/// One value of a row: its column's name and its text (nil for NULL).
public struct DatabaseCell: Sendable, Hashable {
    public let columnName: String
    public let text: String?

    /// The value as `type`; the error names the column, never the value.
    public func decode<V: DatabaseDecodable>(_ type: V.Type) throws(DatabaseError) -> V {
        do {
            return try V(databaseText: text)
        } catch {
            throw DatabaseError(kind: .decoding, message: "column \(columnName) \(error.problem)")
        }
    }
}

/// Why a text value cannot be the type asked for. Names the type, never the value.
public struct DecodingProblem: Error, Sendable {
    public let problem: String

    public init(_ problem: String) {
        self.problem = problem
    }
}

/// A Swift type a result column can be read as, from PostgreSQL's text output.
public protocol DatabaseDecodable: Sendable {
    /// - Parameter text: the value's text; nil for NULL.
    init(databaseText text: String?) throws(DecodingProblem)
}

extension DatabaseDecodable {
    static func required(_ text: String?) throws(DecodingProblem) -> String {
        guard let text else { throw DecodingProblem("is NULL where \(Self.self) was expected") }
        return text
    }

    static func parsed<T>(_ text: String?, _ parse: (String) -> T?) throws(DecodingProblem) -> T {
        let text = try required(text)
        guard let value = parse(text) else { throw DecodingProblem("is not a valid \(Self.self)") }
        return value
    }
}

extension DatabaseDecodable where Self: LosslessStringConvertible {
    /// Types whose Swift text form is PostgreSQL's: integers, float8, text.
    public init(databaseText text: String?) throws(DecodingProblem) {
        self = try Self.parsed(text) { Self($0) }
    }
}

extension String: DatabaseDecodable {}
extension Int: DatabaseDecodable {}
extension Int64: DatabaseDecodable {}
extension Int32: DatabaseDecodable {}
extension Double: DatabaseDecodable {}

extension Bool: DatabaseDecodable {
    /// boolean's output is `t` or `f`.
    public init(databaseText text: String?) throws(DecodingProblem) {
        self = try Self.parsed(text) { $0 == "t" ? true : $0 == "f" ? false : nil }
    }
}

extension Optional: DatabaseDecodable where Wrapped: DatabaseDecodable {
    public init(databaseText text: String?) throws(DecodingProblem) {
        self = try text.map { (t: String) throws(DecodingProblem) -> Wrapped in try Wrapped(databaseText: t) }
    }
}
