import NIOCore

/// A piece of a file's bytes, as an encoder hands it from the reading stage to the writing
/// stage. `endsFile` marks the last piece of a file that is followed by another (a rollover).
public struct EncodedSegment: Sendable {
    public var bytes: ByteBuffer
    public var rows: Int
    public var endsFile: Bool

    public init(bytes: ByteBuffer, rows: Int, endsFile: Bool) {
        self.bytes = bytes
        self.rows = rows
        self.endsFile = endsFile
    }
}
