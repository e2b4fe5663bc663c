import NIOCore

/// Compresses a file as a stream: bytes go in as the encoder produces them and come out in
/// bounded chunks, so no whole file is ever held (DESIGN §1).
///
/// Async because compressing may fan out over the machine's cores (``GzipCompressor``) or wait
/// for a library's own threads off Swift's cooperative pool (``ZstdCompressor``).
public protocol Compressor {
    /// Compresses all of `input` (consuming it), appending whatever output is ready.
    mutating func compress(_ input: inout ByteBuffer, into output: inout ByteBuffer) async throws
    /// Ends the stream, appending the remaining output; the compressor can then start a new file.
    mutating func finish(into output: inout ByteBuffer) async throws
}

/// Passes bytes through, for `compression: none`.
public struct IdentityCompressor: Compressor {
    public init() {}

    public mutating func compress(_ input: inout ByteBuffer, into output: inout ByteBuffer) async throws {
        output.writeBuffer(&input)
    }

    public mutating func finish(into output: inout ByteBuffer) async throws {}
}
