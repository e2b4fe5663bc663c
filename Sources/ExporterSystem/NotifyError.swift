#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an sd_notify message could not be delivered.
///
/// The daemon logs these and carries on: a lost notification must never stop exports, but the
/// operator needs to know why `systemctl` shows the unit stuck in "activating" or why the watchdog fired.
public enum NotifyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `NOTIFY_SOCKET` is neither an absolute path nor `@abstract` (for example `vsock:`).
    case unsupportedAddress(String)
    /// The socket path does not fit `sockaddr_un.sun_path` (including its terminating NUL).
    case socketPathTooLong(path: String, limit: Int)
    /// No states were given.
    case emptyMessage
    /// The datagram is larger than systemd reads; it would be dropped.
    case messageTooLarge(bytes: Int, limit: Int)
    /// `socket(2)` failed.
    case socketFailed(errno: Int32)
    /// `sendto(2)` failed.
    case sendFailed(path: String, errno: Int32)
    /// The kernel accepted only part of the datagram.
    case shortWrite(sent: Int, expected: Int)

    public var description: String {
        switch self {
        case .unsupportedAddress(let address):
            "NOTIFY_SOCKET=\(address) is not supported: only an absolute AF_UNIX path or an @abstract name is; "
                + "check the unit's environment"
        case .socketPathTooLong(let path, let limit):
            "NOTIFY_SOCKET=\(path) is longer than \(limit - 1) bytes, which an AF_UNIX address can hold"
        case .emptyMessage:
            "sd_notify needs at least one state to send"
        case .messageTooLarge(let bytes, let limit):
            "sd_notify message of \(bytes) bytes exceeds systemd's \(limit)-byte limit and would be dropped"
        case .socketFailed(let code):
            "cannot create the AF_UNIX datagram socket for sd_notify: \(ErrnoText.describe(code))"
        case .sendFailed(let path, let code):
            "cannot send to NOTIFY_SOCKET=\(path): \(ErrnoText.describe(code)); is the service manager still listening?"
        case .shortWrite(let sent, let expected):
            "sd_notify sent only \(sent) of \(expected) bytes"
        }
    }
}
