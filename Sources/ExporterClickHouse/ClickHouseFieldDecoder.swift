import ExporterCore
import NIOCore

/// Reads the cells of one RowBinary row (as ``RowBinaryReader`` frames it) as ``FieldValue``s:
/// where ClickHouse rows become the values the encoders write.
///
/// Each column's layout comes from the type ClickHouse declared for it in the response header
/// (``SourceColumn/typeName``), never from an assumption about the table:
/// - String, FixedString, LowCardinality(String): text pointing into the row. Bytes that are not
///   UTF-8 (ClickHouse's String holds any bytes) are written with U+FFFD in their place, so no
///   output file ever holds invalid UTF-8.
/// - A String column declared JSON (FlexPrice's `properties`): ``FieldValue/json`` when the value
///   is valid JSON (an object in JSON output, like PostgreSQL's jsonb), else ``FieldValue/text``
///   (a JSON string): never invalid JSON in a file, and never a failed window for one odd value.
/// - Int8 to Int64, UInt8 to UInt32: integers. UInt64: an integer up to Int64.max, exact decimal
///   text past it (declared DECIMAL(20, 0), so a typed file holds every value).
/// - DateTime, DateTime64(0...6): instants in microseconds (UTC). DateTime64(7...9): RFC 3339
///   text with all its digits, which microseconds would round.
/// - Decimal(P, S): exact decimal text with S fraction digits (a DECIMAL(P, S) in Parquet).
/// - Bool, Date, Date32, UUID, Float32/64: boolean, `yyyy-MM-dd`, the UUID's text, the float's
///   shortest exact text.
/// - Nullable(T): NULL when its flag byte says so.
///
/// Errors are ``ExportError/database(_:)`` naming the column and its type, never the value.
public struct ClickHouseFieldDecoder: FieldDecoding, Sendable {
    public typealias Row = ByteBuffer

    /// Each column's layout, flags and name in arrays of their own: a cell reads two values and
    /// retains nothing (a struct holding the name would be retained and released per cell).
    private var kinds: [ClickHouseColumnType.Kind] = []
    private var nullable: [Bool] = []
    private var json: [Bool] = []
    private var names: [String] = []
    private var declarations: [String] = []
    private var scratch = ByteBuffer()

    public init() {
        scratch.reserveCapacity(128)
    }

    /// Takes each column's layout from its declared ClickHouse type (``SourceColumn/typeName``)
    /// and whether it holds JSON text (``SourceColumn/DeclaredType/json``).
    public mutating func prepare(columns source: [SourceColumn]) throws {
        let types = try source.map { column in
            guard let declaration = column.typeName, let type = ClickHouseColumnType(declaration: declaration) else {
                throw ExportError.database("column \(column.name) has ClickHouse type \(column.typeName ?? "unknown"), which the exporter cannot read")
            }
            return type
        }
        kinds = types.map(\.kind)
        nullable = types.map(\.nullable)
        declarations = types.map(\.declaration)
        json = source.map { $0.type == .json }
        names = source.map(\.name)
    }

    public mutating func forEachField(of row: ByteBuffer, _ body: (FieldValue) throws -> Void) throws {
        try row.withUnsafeReadableBytes { raw in
            var offset = 0
            for index in kinds.indices {
                if nullable[index] {
                    guard offset < raw.count else { throw cutShort(index) }
                    let isNull = raw[offset] != 0
                    offset += 1
                    if isNull {
                        try body(.null)
                        continue
                    }
                }
                let kind = kinds[index]
                let length: Int
                var start = offset
                if let size = kind.fixedSize {
                    length = size
                } else {
                    guard let (count, width) = try? RowBinaryReader.varint(raw, at: offset), count <= UInt64(raw.count) else {
                        throw cutShort(index)
                    }
                    length = Int(count)
                    start += width
                }
                guard start + length <= raw.count else { throw cutShort(index) }
                let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                offset = start + length
                try ClickHouseValue.decode(bytes, kind: kind, json: json[index], scratch: &scratch, body)
            }
            guard offset == raw.count else {
                throw ExportError.database("a ClickHouse row has \(raw.count - offset) bytes after its last column")
            }
        }
    }

    private func cutShort(_ index: Int) -> ExportError {
        .database("a ClickHouse row ends inside column \(names[index]) (\(declarations[index]))")
    }
}
