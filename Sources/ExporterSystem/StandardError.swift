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
        WholeWrite.send(text, to: STDERR_FILENO)
    }
}
