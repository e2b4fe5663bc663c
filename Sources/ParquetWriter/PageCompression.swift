import Dispatch
import Synchronization

/// Compresses the pages of a closing row group, on as many threads as the machine has.
///
/// Why at the row group's close and not page by page: compression is the dearest step of
/// writing (gzip level 6 runs at about 40 MB/s per core), and pages are independent, so a row
/// group's pages compress in parallel while the layout (offsets, headers) stays sequential
/// and the file's bytes stay the same whatever the thread count.
enum PageCompression {
    static func compress(_ bodies: [[UInt8]], codec: any PageCodec) throws(ParquetWriterError) -> [[UInt8]] {
        if codec.codec == .uncompressed || bodies.isEmpty {
            return try bodies.map { body throws(ParquetWriterError) in try compressOne(body, codec: codec) }
        }
        let results = Mutex([Result<[UInt8], ParquetWriterError>?](repeating: nil, count: bodies.count))
        DispatchQueue.concurrentPerform(iterations: bodies.count) { index in
            let result = Result { () throws(ParquetWriterError) in try compressOne(bodies[index], codec: codec) }
            results.withLock { $0[index] = result }
        }
        return try results.withLock { all throws(ParquetWriterError) in
            var out: [[UInt8]] = []
            out.reserveCapacity(all.count)
            for result in all {
                guard let result else { throw .compressionFailed(codec: codec.codec, message: "a page was not compressed") }
                out.append(try result.get())
            }
            return out
        }
    }

    private static func compressOne(_ body: [UInt8], codec: any PageCodec) throws(ParquetWriterError) -> [UInt8] {
        do {
            return try codec.compress(body)
        } catch {
            throw .compressionFailed(codec: codec.codec, message: String(describing: error))
        }
    }
}
