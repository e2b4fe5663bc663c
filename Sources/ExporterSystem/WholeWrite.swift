#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole text to a file descriptor with `write(2)`: one call when the kernel takes it
/// all, so lines from concurrent writers do not interleave, retrying partial and interrupted
/// writes. An error ends it silently: these are the process's last channels, with nowhere left to
/// report their own failure.
enum WholeWrite {
    static func send(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            guard var next = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let written = write(descriptor, next, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                next += written
                remaining -= written
            }
        }
    }
}
