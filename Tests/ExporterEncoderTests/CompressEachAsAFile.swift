import ExporterCompressor
import NIOCore

/// Each of `texts` through one compressor as a file of its own (compress, then finish): what a
/// rollover does, so the tests can check each output decodes alone.
func compressEachAsAFile(_ compressor: inout some Compressor, _ texts: [String]) async throws -> [ByteBuffer] {
    var files: [ByteBuffer] = []
    for text in texts {
        var out = ByteBuffer()
        var input = ByteBuffer(string: text)
        try await compressor.compress(&input, into: &out)
        try await compressor.finish(into: &out)
        files.append(out)
    }
    return files
}
