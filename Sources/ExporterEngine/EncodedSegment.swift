import NIOCore

/// A piece of a file's uncompressed bytes, as the reading stage hands it to the writing stage.
/// `endsFile` marks the last piece of a file that is followed by another (a rollover).
struct EncodedSegment: Sendable {
    var bytes: ByteBuffer
    var rows: Int
    var endsFile: Bool
}
