#if canImport(Glibc)
import Glibc
#endif

/// Hands memory the process has freed back to the kernel.
///
/// glibc keeps freed memory in its arenas for reuse, and gives back only what sits at the top of
/// a heap. A daemon that exported gigabytes in a pass would then sit idle for hours at the pass's
/// high-water mark. `malloc_trim(0)` releases the free pages of every arena
/// (https://man7.org/linux/man-pages/man3/malloc_trim.3.html); after a pass that ran something,
/// it costs a few milliseconds. Swift's Glibc module does not declare it (it lives in
/// `<malloc.h>`), so it is looked up by name; where it does not exist (not glibc), nothing happens.
public enum FreedMemory {
    public static func returnToSystem() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        // RTLD_DEFAULT (a null handle): the symbol as the process's own libraries define it.
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
