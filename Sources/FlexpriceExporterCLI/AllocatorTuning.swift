#if canImport(Glibc)
import Glibc
#endif

/// Keeps the process's memory flat however many rows an export streams.
///
/// The pipeline allocates and frees multi-megabyte buffers (fetch batches, upload parts) over and
/// over, on different threads. glibc raises its mmap threshold each time such a block is freed, so
/// later ones come from the heap arenas, where they fragment: measured with 2M rows, peak RSS
/// grew from 61 MiB (200k rows) to 88 MiB. A fixed 128 KiB threshold (which also turns the
/// adjustment off) gives large blocks back to the kernel on free: 59 MiB at 2M rows
/// (bench/memory.sh, bench/results/memory.md).
///
/// `mallopt` lives in `<malloc.h>`, which the Glibc module does not export; it is looked up with
/// `dlsym` rather than through a C shim. On other C libraries this does nothing.
enum AllocatorTuning {
    /// `M_MMAP_THRESHOLD` from `<malloc.h>`.
    private static let mmapThresholdParameter: Int32 = -3

    static func apply() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(mmapThresholdParameter, 128 * 1024)
        #endif
    }
}
