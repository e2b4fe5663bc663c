import Foundation
import NIOCore

/// The `zstd` command line tool (installed by scripts/install-deps.sh): an independent decoder
/// for the `.zst` objects the exporter uploads, so no test checks our libzstd calls with
/// themselves.
///
/// Shared by the encoder's unit tests and the integration tests (one copy, in TestSupport).
public enum ZstdTool {
    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    /// `zstd -d -c` of `compressed`: the decompressed bytes, or an error with the tool's message
    /// when it refuses them (a bad frame, a wrong checksum, trailing garbage).
    public static func decompress(_ compressed: ByteBuffer) throws -> [UInt8] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zstd-it-\(UUID().uuidString).zst")
        try Data(compressed.readableBytesView).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["zstd", "-d", "-c", "-q", file.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failed(description: "cannot run zstd (scripts/install-deps.sh installs it): \(error)")
        }
        // Read stdout to its end before waiting, or a large output fills the pipe and hangs.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "zstd -d exited \(process.terminationStatus): \(String(decoding: message, as: UTF8.self))")
        }
        return [UInt8](data)
    }
}
