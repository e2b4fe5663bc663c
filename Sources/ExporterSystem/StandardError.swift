#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The default log sink: file descriptor 2, one `write(2)` per line.
///
/// Writing the whole line in one system call (no stdio buffer) keeps lines from concurrent loggers
/// from interleaving and gets them to journald before a crash.
public enum StandardError {
    /// Writes `text` (a complete line) to standard error, retrying partial and interrupted writes.
    @Sendable public static func sink(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard var next = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let written = write(STDERR_FILENO, next, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return // Nowhere left to report a failing stderr.
                }
                next += written
                remaining -= written
            }
        }
    }
}
