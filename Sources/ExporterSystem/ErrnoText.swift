#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An `errno` as a person reads it, for the messages of system calls that failed.
enum ErrnoText {
    /// `strerror`'s text and the number: `No such file or directory (errno 2)`.
    static func describe(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message) + " (errno \(code))"
    }
}
