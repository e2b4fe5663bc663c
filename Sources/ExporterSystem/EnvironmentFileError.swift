#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a config file (``EnvironmentFile``) was refused: one sentence naming the file, and the
/// line where there is one. Never quotes a value, which may be a secret.
public enum EnvironmentFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `open(2)`, `fstat(2)` or `read(2)` failed: missing, not permitted, and so on.
    case unreadable(path: String, namedBy: String, errno: Int32)
    /// The path names a directory.
    case directory(path: String, namedBy: String)
    /// Bytes that are not UTF-8 (systemd requires UTF-8); `line` holds the first of them.
    case notUTF8(path: String, line: Int)
    /// `export KEY=value`: shell syntax, which systemd's EnvironmentFile= ignores.
    case exportPrefix(path: String, line: Int, key: String)
    /// A quote opened on `line` and never closed: its value would run to the end of the file.
    case unclosedQuote(path: String, line: Int, quote: Character)

    public var description: String {
        switch self {
        case .unreadable(let path, let namedBy, let code) where code == ENOENT:
            "the config file \(path) (\(namedBy)) does not exist"
        case .unreadable(let path, let namedBy, let code) where code == EACCES:
            "the config file \(path) (\(namedBy)) cannot be read by this user: permission denied"
        case .unreadable(let path, let namedBy, let code):
            "the config file \(path) (\(namedBy)) cannot be read: \(ErrnoText.describe(code))"
        case .directory(let path, let namedBy):
            "the config file \(path) (\(namedBy)) is a directory: name the file itself"
        case .notUTF8(let path, let line):
            "the config file \(path) is not UTF-8 text (line \(line)); save it as UTF-8"
        case .exportPrefix(let path, let line, let key):
            "\(path), line \(line): `export \(key)=…` is shell syntax, which systemd's EnvironmentFile= ignores; write `\(key)=…`"
        case .unclosedQuote(let path, let line, let quote):
            "\(path), line \(line): the \(quote) opened here is never closed, so every line after it would be part of the value"
        }
    }
}
