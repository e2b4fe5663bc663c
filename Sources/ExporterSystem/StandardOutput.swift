#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File descriptor 1 as a terminal: whether it is one, its width, and unbuffered writes for the
/// live progress line (which must reach the screen at once, without a line break).
public enum StandardOutput {
    /// Whether standard output is a terminal (not a pipe or a file): only then is progress drawn.
    public static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// The terminal's width in columns, nil when unknown (not a terminal, or a zero-sized one).
    @Sendable public static func columns() -> Int? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Writes `text` to standard output in one go (a lost terminal loses the progress, nothing else).
    @Sendable public static func sink(_ text: String) {
        WholeWrite.send(text, to: STDOUT_FILENO)
    }
}
