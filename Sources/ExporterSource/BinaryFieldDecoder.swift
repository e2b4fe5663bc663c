import ExporterCore
import NIOCore

/// Reads the fields of one binary COPY tuple (as ``BinaryCopyReader`` hands it over) as
/// ``FieldValue``s, for the encoders.
///
/// Binary COPY sends no type with a field, only its length and bytes, so the decoder is built
/// once per query from the columns' names and send formats (read from the catalog). The values
/// are read by ``PostgresBinaryValue``: text points into the tuple, numerics, dates and UUIDs are
/// rendered into one reused scratch buffer, so a cell costs no allocation and no reference count.
///
/// Errors are ``ExportError/database(_:)`` naming the column and its type, never the value.
public struct BinaryFieldDecoder: FieldDecoding, Sendable {
    public typealias Row = ByteBuffer

    private let names: [String]
    private let types: [PostgresWireType]
    private var scratch = ByteBuffer()

    /// A decoder for tuples of `columns`, in the order the query selects them.
    public init(columns: [(name: String, type: PostgresWireType)]) {
        names = columns.map(\.name)
        types = columns.map(\.type)
        scratch.reserveCapacity(64)
    }

    /// A decoder whose columns arrive with ``prepare(columns:)``, from the export's own snapshot.
    public init() {
        self.init(columns: [])
    }

    /// Takes the columns' send formats from their declared base types (``SourceColumn/typeName``).
    /// - Throws: ``ExportError/database(_:)`` naming a column whose type the exporter cannot read.
    public mutating func prepare(columns: [SourceColumn]) throws {
        var wire: [(name: String, type: PostgresWireType)] = []
        for column in columns {
            guard let typeName = column.typeName, let type = PostgresWireType(typeName: typeName) else {
                throw ExportError.database("column \(column.name) has type \(column.typeName ?? "unknown"), which the exporter cannot read")
            }
            wire.append((column.name, type))
        }
        self = BinaryFieldDecoder(columns: wire)
    }

    /// Calls `body` with each field of `row` (one tuple, starting at its int16 field count), in
    /// column order; NULL is ``FieldValue/null``. Does not consume `row`: an encoder may read it
    /// twice. The whole tuple is read through one pointer: a value is a pointer into it (or into
    /// the scratch buffer), never a `ByteBuffer` slice of its own.
    public mutating func forEachField(of row: ByteBuffer, _ body: (FieldValue) throws -> Void) throws {
        try row.withUnsafeReadableBytes { tuple in
            guard tuple.count >= 2 else {
                throw ExportError.database("a row of the binary COPY stream ends before its field count")
            }
            let count = Int16(bigEndian: tuple.loadUnaligned(as: Int16.self))
            guard Int(count) == types.count else {
                throw ExportError.database("a row of the binary COPY stream has \(CountText.of(Int64(count), "field")), but the query selects \(CountText.of(Int64(types.count), "column"))")
            }
            var offset = 2
            for index in types.indices {
                guard offset + 4 <= tuple.count else { throw cutShort(column: index) }
                let length = Int(Int32(bigEndian: tuple.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                offset += 4
                guard length >= 0 else {
                    guard length == -1 else {
                        throw ExportError.database("column \(names[index]) (\(types[index].name)) has a field length of \(length) bytes in the binary COPY stream; only NULL is negative (-1)")
                    }
                    try body(.null)
                    continue
                }
                guard length <= tuple.count - offset else { throw cutShort(column: index) }
                let bytes = UnsafeRawBufferPointer(rebasing: tuple[offset..<(offset + length)])
                offset += length
                do {
                    try PostgresBinaryValue.decode(bytes, as: types[index], scratch: &scratch, body)
                } catch let problem as PostgresBinaryValue.Problem {
                    throw ExportError.database(problem.message(column: names[index], type: types[index]))
                }
            }
            guard offset == tuple.count else {
                throw ExportError.database("a row of the binary COPY stream has \(tuple.count - offset) bytes after its last field")
            }
        }
    }

    private func cutShort(column index: Int) -> ExportError {
        .database("a row of the binary COPY stream ends inside column \(names[index]) (\(types[index].name))")
    }
}
