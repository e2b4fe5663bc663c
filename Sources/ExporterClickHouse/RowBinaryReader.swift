import NIOCore

/// Frames a `RowBinaryWithNamesAndTypes` response as it arrives: the header (column count, names,
/// type declarations), then one `ByteBuffer` slice per row, whatever the chunks' boundaries.
///
/// Why this format: it is ClickHouse's own typed binary (the server declares every column's type
/// in the header, so the export follows what the table holds, not what the exporter assumes), it
/// is the cheapest for the server to write and the client to read (no text parsing, no escaping),
/// and a row's extent follows from the types alone, so rows are framed without a copy.
/// https://clickhouse.com/docs/interfaces/formats/RowBinaryWithNamesAndTypes
///
/// A row that straddles two chunks is completed in a small carry buffer (only that row's bytes
/// are copied); every other row is a slice of the chunk it arrived in. The response is never
/// held whole: each chunk is released once its rows are handed on.
public struct RowBinaryReader {
    /// A column as the header declares it.
    public struct Column: Sendable, Hashable {
        public let name: String
        public let type: ClickHouseColumnType
    }

    /// No row may be larger than this: a length prefix past it means the stream is not what it
    /// claims (an exception text read as a row), and waiting for that many bytes would hold them.
    public static let maxRowBytes = 256 << 20

    public private(set) var columns: [Column]?
    /// Each column's fixed size (-1: a String), and whether a null byte precedes it: all framing needs.
    private var layout: [(size: Int, nullable: Bool)] = []
    private var carry = ByteBuffer()
    /// How many bytes of the next chunk the carried row's completion copies first (doubled until the row is complete).
    private static let firstTake = 512
    public private(set) var rows: Int64 = 0

    public init() {}

    /// Reads one chunk: `onHeader` once, when the header is complete, and `onRow` for each
    /// complete row, in order. The row buffer is valid during the call only.
    public mutating func read(_ chunk: ByteBuffer, onHeader: ([Column]) throws -> Void,
                              onRow: (ByteBuffer) throws -> Void) throws {
        var chunk = chunk
        if columns == nil {
            carry.writeBuffer(&chunk)
            guard let header = try Self.header(in: &carry) else { return }
            columns = header
            layout = header.map { ($0.type.kind.fixedSize ?? -1, $0.type.nullable) }
            try onHeader(header)
            chunk = carry
            carry = ByteBuffer()
        }
        if carry.readableBytes > 0 {
            var take = Self.firstTake
            while true {
                let copied = min(take, chunk.readableBytes)
                guard copied > 0 else { return }
                let before = carry.readableBytes
                carry.writeImmutableBuffer(chunk.getSlice(at: chunk.readerIndex, length: copied)!)
                chunk.moveReaderIndex(forwardBy: copied)
                if let length = try carry.withUnsafeReadableBytes({ try rowLength(in: $0, at: 0) }) {
                    // The carried row is complete; the bytes copied past its end go back to the chunk.
                    chunk.moveReaderIndex(to: chunk.readerIndex - (before + copied - length))
                    rows += 1
                    try onRow(carry.getSlice(at: carry.readerIndex, length: length)!)
                    carry.clear()
                    break
                }
                guard carry.readableBytes <= Self.maxRowBytes else { throw RowBinaryError.rowTooLarge(column: nil) }
                take *= 2
            }
        }
        let consumed = try chunk.withUnsafeReadableBytes { raw -> Int in
            var offset = 0
            while let length = try rowLength(in: raw, at: offset) {
                rows += 1
                try onRow(chunk.getSlice(at: chunk.readerIndex + offset, length: length)!)
                offset += length
            }
            return offset
        }
        chunk.moveReaderIndex(forwardBy: consumed)
        if chunk.readableBytes > 0 {
            if carry.capacity == 0 { carry.reserveCapacity(4096) }
            carry.writeBuffer(&chunk)
        }
    }

    /// The stream ended.
    /// - Throws: ``RowBinaryError`` when it ended before the header or inside a row: a stream
    ///   cut short, or an exception ClickHouse wrote after its first rows.
    public func finish() throws {
        guard columns != nil else { throw RowBinaryError.noHeader(bytes: carry.readableBytes) }
        if carry.readableBytes > 0 { throw RowBinaryError.endedInsideRow(bytes: carry.readableBytes, rowsBefore: rows) }
    }

    /// The length of the row starting at `offset`, or nil when `raw` ends before it does.
    @inline(__always)
    private func rowLength(in raw: UnsafeRawBufferPointer, at start: Int) throws -> Int? {
        var offset = start
        let end = raw.count
        guard offset < end else { return nil }
        for (size, nullable) in layout {
            if nullable {
                guard offset < end else { return nil }
                let flag = raw[offset]
                offset += 1
                if flag != 0 { continue }
            }
            if size >= 0 {
                offset += size
            } else {
                guard let (length, width) = try Self.varint(raw, at: offset) else { return nil }
                guard length <= UInt64(Self.maxRowBytes) else { throw RowBinaryError.rowTooLarge(column: nil) }
                offset += width + Int(length)
            }
            if offset > end { return nil }
        }
        return offset - start
    }

    /// A LEB128 unsigned integer at `offset`: its value and width; nil when `raw` ends inside it.
    @inline(__always)
    static func varint(_ raw: UnsafeRawBufferPointer, at offset: Int) throws -> (UInt64, Int)? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while index < raw.count {
            let byte = raw[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return (value, index - offset) }
            shift += 7
            if shift >= 64 { throw RowBinaryError.malformedLength }
        }
        return nil
    }

    /// The header, read from `buffer` (consumed when complete); nil when more bytes are needed.
    static func header(in buffer: inout ByteBuffer) throws -> [Column]? {
        let parsed = try buffer.withUnsafeReadableBytes { raw -> (columns: [Column], length: Int)? in
            var offset = 0
            func string() throws -> String? {
                guard let (length, width) = try varint(raw, at: offset) else { return nil }
                guard length < 1 << 20 else { throw RowBinaryError.malformedHeader("a name or type of \(length) bytes") }
                guard offset + width + Int(length) <= raw.count else { return nil }
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: raw[(offset + width)..<(offset + width + Int(length))]),
                                  as: UTF8.self)
                offset += width + Int(length)
                return text
            }
            guard let (count, width) = try varint(raw, at: 0) else { return nil }
            guard count > 0, count < 10_000 else { throw RowBinaryError.malformedHeader("\(count) columns") }
            offset = width
            var names: [String] = []
            for _ in 0..<count {
                guard let name = try string() else { return nil }
                names.append(name)
            }
            var columns: [Column] = []
            for name in names {
                guard let declaration = try string() else { return nil }
                guard let type = ClickHouseColumnType(declaration: declaration) else {
                    throw RowBinaryError.unsupportedType(column: name, declaration: declaration)
                }
                columns.append(Column(name: name, type: type))
            }
            return (columns, offset)
        }
        guard let parsed else { return nil }
        buffer.moveReaderIndex(forwardBy: parsed.length)
        return parsed.columns
    }
}

/// Why a `RowBinaryWithNamesAndTypes` stream could not be read. Never carries a value's bytes.
public enum RowBinaryError: Error, Sendable, Equatable, CustomStringConvertible {
    case noHeader(bytes: Int)
    case malformedHeader(String)
    case unsupportedType(column: String, declaration: String)
    case malformedLength
    case rowTooLarge(column: String?)
    case endedInsideRow(bytes: Int, rowsBefore: Int64)

    public var description: String {
        switch self {
        case .noHeader(let bytes):
            "the response ended after \(bytes) bytes, before its RowBinaryWithNamesAndTypes header was complete"
        case .malformedHeader(let problem): "the RowBinaryWithNamesAndTypes header is malformed (\(problem))"
        case .unsupportedType(let column, let declaration):
            "column \(column) has ClickHouse type \(declaration), which the exporter cannot read"
        case .malformedLength: "a length in the RowBinary stream is malformed (more than 64 bits)"
        case .rowTooLarge(let column):
            "a row\(column.map { " (column \($0))" } ?? "") claims more than \(RowBinaryReader.maxRowBytes >> 20) MiB: the stream is not RowBinary"
        case .endedInsideRow(let bytes, let rows):
            "the response ended inside a row (\(bytes) bytes after row \(rows)): the stream was cut short or an error was written into it"
        }
    }
}
