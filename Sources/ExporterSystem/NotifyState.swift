/// One assignment in an sd_notify message.
///
/// A typed state instead of free-form `KEY=VALUE` strings so the daemon cannot misspell a variable
/// the service manager would silently ignore, and so values are sanitised in one place: a newline
/// would start a new assignment and a NUL byte makes systemd drop the whole datagram.
/// See https://www.freedesktop.org/software/systemd/man/latest/sd_notify.html, "Well-known assignments".
public enum NotifyState: Sendable, Hashable {
    /// `READY=1`: start-up (or a reload) has finished; `Type=notify` units stay "activating" until this.
    case ready
    /// `RELOADING=1` + `MONOTONIC_USEC=`: a reload has begun; end it with ``ready``.
    /// The timestamp (CLOCK_MONOTONIC) lets systemd tell this reload apart from an earlier one.
    case reloading(monotonicMicroseconds: UInt64)
    /// `STOPPING=1`: shutdown has begun, so systemd reports "deactivating" while runs drain.
    case stopping
    /// `STATUS=`: a one-line description shown by `systemctl status`.
    case status(String)
    /// `WATCHDOG=1`: the keep-alive ping that stops `WatchdogSec=` from restarting the service.
    case watchdog
    /// `MAINPID=`: the service's main process, when it is not the one systemd started.
    case mainPID(Int32)

    /// `RELOADING=1` stamped with the current CLOCK_MONOTONIC time, as `notify_reloading()`
    /// in the man page's "Notes" does.
    public static var reloadingNow: NotifyState {
        .reloading(monotonicMicroseconds: SystemdNotifier.monotonicMicroseconds())
    }

    /// STATUS= text longer than this is cut (at a character boundary) so that one datagram always
    /// fits systemd's receive buffer (PIPE_BUF, 4096 bytes): a longer datagram is dropped whole.
    static let statusLimit = 1024

    /// The `KEY=VALUE` line(s) for this state, without a trailing newline.
    var assignment: String {
        switch self {
        case .ready: "READY=1"
        case .reloading(let usec): "RELOADING=1\nMONOTONIC_USEC=\(usec)"
        case .stopping: "STOPPING=1"
        case .status(let text): "STATUS=" + Self.singleLine(text)
        case .watchdog: "WATCHDOG=1"
        case .mainPID(let pid): "MAINPID=\(pid)"
        }
    }

    /// The text with line breaks and NUL replaced by spaces, cut to ``statusLimit`` UTF-8 bytes.
    static func singleLine(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            let clean: Unicode.Scalar = switch scalar {
            case "\n", "\r", "\0": " "
            default: scalar
            }
            bytes += UTF8.width(clean)
            if bytes > statusLimit { break }
            result.append(clean)
        }
        return String(result)
    }
}
