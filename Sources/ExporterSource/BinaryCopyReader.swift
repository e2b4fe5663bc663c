import NIOCore

/// Splits PostgreSQL's binary COPY stream into tuples, one CopyData message at a time.
///
/// The stream (https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format"): an 11-byte
/// signature `PGCOPY\n\377\r\n\0`, an int32 of flags, an int32 header-extension length and that
/// many bytes; then tuples, each an int16 field count followed by each field's int32 length (-1 for
/// NULL) and bytes; then the trailer, an int16 -1.
///
/// How PostgreSQL 15 cuts it into messages (src/backend/commands/copyto.c): the header goes out
/// with the first tuple (or with the trailer when there are no rows), every tuple in a message of
/// its own, the trailer alone. This reader also accepts several tuples in one message, so a stream
/// read whole from a file works too; a tuple that runs past the end of its message is an error,
/// because the server never splits one (libpq's `PQgetCopyData` returns whole messages).
///
/// A tuple is handed over as a slice of the message, starting at its field count, without a copy;
/// ``BinaryFieldDecoder`` reads its fields.
public struct BinaryCopyReader: Sendable {
    private enum Phase: Sendable {
        case header, tuples, finished
    }

    /// `PGCOPY\n\377\r\n\0`.
    static let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]
    /// Signature, flags and extension length: the header without its extension.
    static let fixedHeaderBytes = 19
    /// Flag bit 16: every tuple is preceded by its row OID.
    static let oidsFlag: UInt32 = 1 << 16

    private var phase = Phase.header
    /// Tuples handed over so far.
    public private(set) var rows = 0

    public init() {}

    /// The trailer has arrived: the stream is complete.
    public var isFinished: Bool { phase == .finished }

    /// Reads one CopyData message and calls `tuple` with each tuple it holds, in order, as a slice
    /// of `message` starting at the tuple's field count.
    public mutating func read(_ message: ByteBuffer, tuple: (ByteBuffer) throws -> Void) throws {
        var message = message
        if phase == .header {
            try readHeader(&message)
            phase = .tuples
        }
        while message.readableBytes > 0 {
            guard phase == .tuples else { throw BinaryCopyError.dataAfterTrailer(bytes: message.readableBytes) }
            let length = try tupleLength(in: message)
            if length == 0 {
                // The trailer: an int16 -1 where the next tuple's field count would be.
                message.moveReaderIndex(forwardBy: 2)
                phase = .finished
                continue
            }
            guard let slice = message.readSlice(length: length) else {
                throw BinaryCopyError.truncatedTuple(row: rows + 1, bytes: message.readableBytes, needed: length)
            }
            rows += 1
            try tuple(slice)
        }
    }

    /// Throws ``BinaryCopyError/missingTrailer(rows:)`` unless the trailer has arrived. Call it when
    /// the server ends the COPY: a stream cut short must fail the export, not end it early.
    public func finish() throws {
        guard isFinished else { throw BinaryCopyError.missingTrailer(rows: rows) }
    }

    /// Checks and skips the header: signature, flags, extension.
    private func readHeader(_ message: inout ByteBuffer) throws {
        let available = message.readableBytes
        let signatureMatches = message.withUnsafeReadableBytes { raw in
            raw.prefix(Self.signature.count).elementsEqual(Self.signature.prefix(raw.count))
        }
        guard signatureMatches else { throw BinaryCopyError.badSignature }
        guard available >= Self.fixedHeaderBytes,
              let flags = message.getInteger(at: message.readerIndex + 11, as: UInt32.self),
              let extensionLength = message.getInteger(at: message.readerIndex + 15, as: Int32.self) else {
            throw BinaryCopyError.truncatedHeader(bytes: available, needed: Self.fixedHeaderBytes)
        }
        // Bits 16-31 are format-critical (a reader must stop on one it does not know), bits 0-15
        // backwards-compatible (ignored).
        if flags & Self.oidsFlag != 0 { throw BinaryCopyError.oidsIncluded }
        let critical = flags & 0xFFFF_0000
        guard critical == 0 else { throw BinaryCopyError.unknownCriticalFlags(critical) }
        guard extensionLength >= 0 else { throw BinaryCopyError.badHeaderExtension(length: extensionLength) }
        let headerBytes = Self.fixedHeaderBytes + Int(extensionLength)
        guard available >= headerBytes else { throw BinaryCopyError.truncatedHeader(bytes: available, needed: headerBytes) }
        message.moveReaderIndex(forwardBy: headerBytes)
    }

    /// The length of the tuple at the start of `message`, walking its field lengths; 0 for the
    /// trailer.
    private func tupleLength(in message: ByteBuffer) throws -> Int {
        let row = rows + 1
        let walk: TupleWalk = message.withUnsafeReadableBytes { raw in
            let available = raw.count
            guard available >= 2 else { return .truncated(bytes: available, needed: 2) }
            let fields = Int16(bigEndian: raw.loadUnaligned(as: Int16.self))
            if fields == -1 { return .trailer }
            guard fields >= 0 else { return .badFieldCount(fields) }
            var offset = 2
            for field in 0..<Int(fields) {
                guard offset + 4 <= available else { return .truncated(bytes: available, needed: offset + 4) }
                let length = Int32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                offset += 4
                if length == -1 { continue }
                guard length >= 0 else { return .badFieldLength(field: field + 1, length: length) }
                offset += Int(length)
                guard offset <= available else { return .truncated(bytes: available, needed: offset) }
            }
            return .tuple(length: offset)
        }
        switch walk {
        case .tuple(let length): return length
        case .trailer: return 0
        case .truncated(let bytes, let needed): throw BinaryCopyError.truncatedTuple(row: row, bytes: bytes, needed: needed)
        case .badFieldCount(let count): throw BinaryCopyError.badFieldCount(row: row, count: count)
        case .badFieldLength(let field, let length): throw BinaryCopyError.badFieldLength(row: row, field: field, length: length)
        }
    }

    /// What walking one tuple's field lengths found.
    private enum TupleWalk {
        case tuple(length: Int)
        case trailer
        case truncated(bytes: Int, needed: Int)
        case badFieldCount(Int16)
        case badFieldLength(field: Int, length: Int32)
    }
}
