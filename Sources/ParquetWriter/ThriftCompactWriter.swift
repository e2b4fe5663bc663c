/// Serialises Parquet's metadata structs with the Thrift compact protocol, the only encoding the
/// format uses for its footer and page headers.
///
/// Parquet has no Thrift runtime dependency on our side: the handful of structs it needs are
/// written by hand through this writer (see ``ThriftCompactStruct``), which covers exactly the
/// compact-protocol features those structs use: field headers with id deltas, zigzag varints,
/// binary/string, lists, nested structs and booleans folded into the field header.
///
/// Spec: https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md and
/// https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift
public struct ThriftCompactWriter: Sendable {
    /// The compact protocol's type ids, as they appear in field headers and list headers.
    public enum CompactType: UInt8, Sendable {
        case booleanTrue = 1
        case booleanFalse = 2
        case byte = 3
        case i16 = 4
        case i32 = 5
        case i64 = 6
        case double = 7
        case binary = 8
        case list = 9
        case set = 10
        case map = 11
        case `struct` = 12
    }

    /// The bytes written so far.
    public private(set) var bytes: [UInt8]
    /// Id of the last field written in the struct being written: field headers carry the delta.
    private var lastFieldID: Int16 = 0

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Fields

    public mutating func writeField(_ id: Int16, i32 value: Int32) {
        writeFieldHeader(id, .i32)
        writeVarint(Self.zigzag(Int64(value)))
    }

    public mutating func writeField(_ id: Int16, i64 value: Int64) {
        writeFieldHeader(id, .i64)
        writeVarint(Self.zigzag(value))
    }

    /// A boolean field: its value is the field header's type (1 true, 2 false), no payload byte.
    public mutating func writeField(_ id: Int16, bool value: Bool) {
        writeFieldHeader(id, value ? .booleanTrue : .booleanFalse)
    }

    public mutating func writeField(_ id: Int16, binary value: [UInt8]) {
        writeFieldHeader(id, .binary)
        writeBinaryPayload(value)
    }

    public mutating func writeField(_ id: Int16, string value: String) {
        writeField(id, binary: Array(value.utf8))
    }

    public mutating func writeField(_ id: Int16, struct value: some ThriftCompactStruct) {
        writeFieldHeader(id, .struct)
        writeStructPayload(value)
    }

    public mutating func writeField(_ id: Int16, list values: [some ThriftCompactStruct]) {
        writeFieldHeader(id, .list)
        writeListHeader(.struct, count: values.count)
        for value in values { writeStructPayload(value) }
    }

    public mutating func writeField(_ id: Int16, i32List values: [Int32]) {
        writeFieldHeader(id, .list)
        writeListHeader(.i32, count: values.count)
        for value in values { writeVarint(Self.zigzag(Int64(value))) }
    }

    public mutating func writeField(_ id: Int16, stringList values: [String]) {
        writeFieldHeader(id, .list)
        writeListHeader(.binary, count: values.count)
        for value in values { writeBinaryPayload(Array(value.utf8)) }
    }

    /// Ends the struct being written (the STOP byte). Called by ``writeStructPayload(_:)`` and by
    /// whoever writes a top-level struct with ``writeTopLevel(_:)``.
    public mutating func writeStop() {
        bytes.append(0)
    }

    /// Writes `value` as a top-level message: its fields, then STOP.
    public mutating func writeTopLevel(_ value: some ThriftCompactStruct) {
        writeStructPayload(value)
    }

    /// Serialises one top-level struct into fresh bytes.
    public static func serialize(_ value: some ThriftCompactStruct) -> [UInt8] {
        var writer = ThriftCompactWriter()
        writer.writeTopLevel(value)
        return writer.bytes
    }

    // MARK: Primitives

    /// A field header: `delta << 4 | type` when the id is 1...15 above the previous one, else the
    /// type byte followed by the id as a zigzag varint.
    mutating func writeFieldHeader(_ id: Int16, _ type: CompactType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(Self.zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    /// A list header: `count << 4 | elementType` for fewer than 15 elements, else `0xF0 |
    /// elementType` followed by the count as a varint.
    mutating func writeListHeader(_ elementType: CompactType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    mutating func writeBinaryPayload(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A nested struct: its field ids restart at 0, and the enclosing struct's resume after STOP.
    mutating func writeStructPayload(_ value: some ThriftCompactStruct) {
        // The recursion is the stack: the enclosing struct's last id waits here.
        let enclosing = lastFieldID
        lastFieldID = 0
        value.writeFields(to: &self)
        writeStop()
        lastFieldID = enclosing
    }

    /// Unsigned LEB128.
    mutating func writeVarint(_ value: UInt64) {
        // The same ULEB-128 as the RLE/bit-packed hybrid's run headers.
        RLEHybridEncoder.writeVarint(value, into: &bytes)
    }

    /// Zigzag maps signed to unsigned so small magnitudes stay short: 0, -1, 1, -2 -> 0, 1, 2, 3.
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
