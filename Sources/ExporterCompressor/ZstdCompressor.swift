import CZstd
import Dispatch
import NIOCore

/// Zstandard (RFC 8878, https://www.rfc-editor.org/rfc/rfc8878) through libzstd, multithreaded:
/// `compression: zstd`.
///
/// Why: at level 3 zstd compresses several times faster than gzip at level 6 and to smaller
/// files, for a user who wants speed. One frame per file, with a content checksum (XXH64, as the
/// `zstd` tool writes by default) so a reader detects a damaged object.
///
/// Multithreaded by libzstd itself (`ZSTD_c_nbWorkers`, one worker per core by default): the
/// input is cut into jobs (`ZSTD_c_jobSize`), each compressed on a worker thread with the end of
/// the previous job as history, so the ratio stays close to single-threaded zstd. Jobs are 1 MiB
/// rather than libzstd's default (4 windows: 8 MiB at level 3) because every job in flight holds
/// its input and output: on 1M rows, 2 cores, the default took the export's peak RSS from 44 to
/// 83 MiB, 1 MiB jobs keep it near gzip's (47 against 44) with slightly smaller output
/// (bench/results/zstd.md). libzstd raises
/// the job size to the overlap it reloads at high levels, so those keep their ratio too.
///
/// Deterministic: with one worker or more, libzstd cuts jobs by position in the stream, never by
/// how the bytes arrived, by timing or by the number of workers, so the same file at the same
/// level gives the same bytes (the tests check this across chunkings and worker counts).
///
/// Threads: every libzstd call on the stream runs on the compressor's own serial
/// `DispatchQueue`, never on Swift's cooperative pool. With workers, `ZSTD_compressStream2`
/// mostly just copies input into job buffers and returns, but it guarantees forward progress,
/// so when every job slot is busy it blocks until the oldest job is done (up to one job's
/// compression: milliseconds at level 3, seconds at level 19), and `ZSTD_e_end` waits
/// for all of them. Blocking a cooperative thread that long would stall the export's other
/// tasks (reading the database, uploading) on a 2-core machine. A serial queue rather than
/// NIO's `NIOThreadPool`: this target needs no NIOPosix, the shared pool's threads would be
/// held for a whole job, and the queue also gives the context's calls the strict order and
/// mutual exclusion libzstd requires (a `ZSTD_CCtx` is not thread-safe). Freeing the context
/// (which joins its workers) happens on that queue too.
public struct ZstdCompressor: Compressor {
    /// The levels `EXPORTER_ZSTD_LEVEL` accepts.
    public static let levels: ClosedRange<Int32> = 1...19
    /// zstd's own default level.
    public static let defaultLevel: Int32 = 3

    private let stream: ZstdStream

    /// - Parameters:
    ///   - level: 1 (fastest) to 19 (smallest); 3 is zstd's default.
    ///   - workers: libzstd worker threads; the machine's cores by default. 0 compresses on the
    ///     compressor's queue alone (libzstd's single-threaded format, which differs in bytes
    ///     from the multithreaded one, though both decode the same).
    ///   - jobBytes: uncompressed bytes per worker job (libzstd's minimum is 512 KiB).
    public init(level: Int32 = defaultLevel, workers: Int = System.coreCount, jobBytes: Int = 1 << 20) throws(ZstdError) {
        guard Self.levels.contains(level) else { throw .invalidLevel(level) }
        stream = try ZstdStream(level: level, workers: Int32(clamping: max(0, workers)), jobBytes: Int32(clamping: jobBytes))
    }

    public mutating func compress(_ input: inout ByteBuffer, into output: inout ByteBuffer) async throws {
        guard input.readableBytes > 0 else { return }
        let chunk = input
        input.moveReaderIndex(to: input.writerIndex)
        var produced = try await stream.run(chunk, ending: false)
        output.writeBuffer(&produced)
    }

    /// Ends the frame; the next byte compressed starts a new frame (a new file).
    public mutating func finish(into output: inout ByteBuffer) async throws {
        var produced = try await stream.run(ByteBuffer(), ending: true)
        output.writeBuffer(&produced)
    }

    /// `bytes` as one zstd frame, compressed at once on the calling thread (single-threaded,
    /// with the content size in the frame header and no checksum). Makes a context per call:
    /// for many buffers keep a ``ZstdFrameCompressor``.
    public static func compress(_ bytes: [UInt8], level: Int32 = defaultLevel) throws(ZstdError) -> [UInt8] {
        try ZstdFrameCompressor(level: level).compress(bytes)
    }
}

/// libzstd's name for an error code.
func zstdErrorName(_ code: Int) -> String {
    guard let name = ZSTD_getErrorName(code) else { return "error \(code)" }
    return String(cString: name)
}

/// One compression context and the serial queue every call on it runs on.
///
/// `@unchecked Sendable`: the context pointer is only dereferenced inside blocks on `queue`
/// (serial, so one at a time and in submission order), and freed there after the last reference
/// is gone.
private final class ZstdStream: @unchecked Sendable {
    private let context: OpaquePointer
    private let queue = DispatchQueue(label: "flexprice-exporter.zstd")

    init(level: Int32, workers: Int32, jobBytes: Int32) throws(ZstdError) {
        guard let context = ZSTD_createCCtx() else { throw .contextUnavailable }
        do throws(ZstdError) {
            try Self.set(context, ZSTD_c_compressionLevel, "ZSTD_c_compressionLevel", level)
            try Self.set(context, ZSTD_c_checksumFlag, "ZSTD_c_checksumFlag", 1)
            // Refused only by a libzstd built without threads: it compresses single-threaded then.
            if workers > 0, ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, workers)) == 0 {
                try Self.set(context, ZSTD_c_jobSize, "ZSTD_c_jobSize", jobBytes)
            }
        } catch {
            // Freed here, before `self` exists, so deinit never sees this context.
            ZSTD_freeCCtx(context)
            throw error
        }
        self.context = context
    }

    deinit {
        // Freeing joins the workers, which may still be finishing a job after a failed export.
        let owned = OwnedContext(pointer: context)
        queue.async { ZSTD_freeCCtx(owned.pointer) }
    }

    private static func set(_ context: OpaquePointer, _ parameter: ZSTD_cParameter, _ name: String,
                            _ value: Int32) throws(ZstdError) {
        let code = ZSTD_CCtx_setParameter(context, parameter, value)
        if ZSTD_isError(code) != 0 {
            throw .parameterRejected(parameter: name, value: value, zstdError: zstdErrorName(code))
        }
    }

    /// Feeds all of `input` to the stream on the queue, ending the frame when `ending`, and
    /// returns the output libzstd had ready.
    func run(_ input: ByteBuffer, ending: Bool) async throws(ZstdError) -> ByteBuffer {
        let result: Result<ByteBuffer, ZstdError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(ZstdError) in try self.process(input, ending: ending) })
            }
        }
        return try result.get()
    }

    /// Called on `queue` only.
    private func process(_ input: ByteBuffer, ending: Bool) throws(ZstdError) -> ByteBuffer {
        var output = ByteBuffer()
        let outChunk = ZSTD_CStreamOutSize()
        let directive = ending ? ZSTD_e_end : ZSTD_e_continue
        let failure: Int? = input.withUnsafeReadableBytes { source in
            var inBuffer = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            while true {
                output.reserveCapacity(minimumWritableBytes: outChunk)
                let (remaining, written) = output.withUnsafeMutableWritableBytes { destination in
                    var outBuffer = ZSTD_outBuffer(dst: destination.baseAddress, size: destination.count, pos: 0)
                    let remaining = ZSTD_compressStream2(context, &outBuffer, &inBuffer, directive)
                    return (remaining, outBuffer.pos)
                }
                if ZSTD_isError(remaining) != 0 { return remaining }
                output.moveWriterIndex(forwardBy: written)
                // e_end: done when nothing remains to flush; e_continue: once all input is taken
                // (what the workers produce meanwhile comes out with a later call).
                if ending ? (remaining == 0) : (inBuffer.pos == inBuffer.size) { return nil }
            }
        }
        if let failure {
            // A failed frame is abandoned; the context starts the next file cleanly.
            ZSTD_CCtx_reset(context, ZSTD_reset_session_only)
            throw .compressionFailed(zstdError: zstdErrorName(failure))
        }
        return output
    }
}

/// The context pointer handed to the queue that frees it.
private struct OwnedContext: @unchecked Sendable {
    let pointer: OpaquePointer
}
