import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells systemd about the daemon's state (ready, reloading, stopping, status, watchdog pings).
///
/// The sd_notify protocol written out directly, so the binary needs no libsystemd and runs the same
/// with or without systemd: https://www.freedesktop.org/software/systemd/man/latest/sd_notify.html
/// (the steps below are named after the `notify()` example in that page's "Notes").
/// A socket is opened, used and closed per message: messages are rare (start, reload, stop, a
/// watchdog ping every minute), and nothing has to be kept open, locked or cleaned up.
public struct SystemdNotifier: Sendable {
    /// `NOTIFY_SOCKET` as systemd set it.
    public let socketPath: String

    /// `WATCHDOG_USEC`, when systemd expects pings from this process (`WatchdogSec=`).
    public let watchdogInterval: Duration?

    /// Half of ``watchdogInterval``: the man page recommends pinging at this rate, so one late
    /// ping does not get the service killed.
    public var watchdogPingInterval: Duration? {
        watchdogInterval.map { $0 / 2 }
    }

    /// Largest datagram systemd reads (its NOTIFY_BUFFER_MAX is PIPE_BUF); longer ones are dropped.
    public static let messageLimit = 4096

    /// Reads the notification socket and watchdog settings once, at start-up.
    ///
    /// Returns nil when `NOTIFY_SOCKET` is unset or empty: the process was not started by systemd
    /// (or not as `Type=notify`), and notifying is a no-op, as in the reference implementation.
    /// The watchdog interval is kept only when `WATCHDOG_PID` is unset or names this process, as
    /// `sd_watchdog_enabled()` does, so a child that inherited the variables does not ping for its parent.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        socketPath = path
        watchdogInterval = Self.watchdogInterval(environment: environment, processID: getpid())
    }

    /// Sends all the states in one datagram, so systemd applies them together
    /// (for example `STATUS=` with `READY=1`).
    public func send(_ states: NotifyState...) throws(NotifyError) {
        try send(states)
    }

    /// Sends all the states in one datagram, so systemd applies them together.
    public func send(_ states: [NotifyState]) throws(NotifyError) {
        // "Verify the argument first"
        guard !states.isEmpty else { throw .emptyMessage }
        let message = states.map(\.assignment).joined(separator: "\n")
        let length = message.utf8.count
        guard length <= Self.messageLimit else { throw .messageTooLarge(bytes: length, limit: Self.messageLimit) }

        let address = try Self.address(socketPath)

        // socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0)
        let fd = Self.datagramSocket()
        guard fd >= 0 else { throw .socketFailed(errno: errno) }
        defer { close(fd) }

        // connect() + write() in the Notes; sendto() with the same address does both in one call.
        var sent = -1
        var code: Int32 = 0
        let bytes = Array(message.utf8)
        repeat {
            sent = bytes.withUnsafeBytes { buffer in
                withUnsafePointer(to: address.storage) { storage in
                    storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                        sendto(fd, buffer.baseAddress, buffer.count, Self.sendFlags, socketAddress, address.length)
                    }
                }
            }
            code = sent < 0 ? errno : 0
        } while sent < 0 && code == EINTR
        guard sent >= 0 else { throw .sendFailed(path: socketPath, errno: code) }
        guard sent == length else { throw .shortWrite(sent: sent, expected: length) }
    }

    /// CLOCK_MONOTONIC in microseconds, the clock systemd expects in `MONOTONIC_USEC=`
    /// (Swift's `ContinuousClock` is CLOCK_BOOTTIME on Linux, which differs after a suspend).
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        guard clock_gettime(CLOCK_MONOTONIC, &now) == 0, now.tv_sec >= 0, now.tv_nsec >= 0 else { return 0 }
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    /// `sd_watchdog_enabled()`: WATCHDOG_USEC must be a positive integer, and WATCHDOG_PID,
    /// when present, must be our process ID.
    static func watchdogInterval(environment: [String: String], processID: Int32) -> Duration? {
        if let pid = environment["WATCHDOG_PID"], !pid.isEmpty {
            guard Int32(pid) == processID else { return nil }
        }
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0,
              usec <= UInt64(Int64.max) else { return nil }
        return .microseconds(Int64(usec))
    }

    /// A `sockaddr_un` and the length to pass with it.
    struct Address {
        var storage: sockaddr_un
        var length: socklen_t
    }

    static func address(_ path: String) throws(NotifyError) -> Address {
        // "Only AF_UNIX is supported, with path or abstract sockets"
        guard let first = path.utf8.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@") else {
            throw .unsupportedAddress(path)
        }
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        // "Ensure there is room for NUL byte"
        let bytes = Array(path.utf8)
        guard bytes.count < capacity else { throw .socketPathTooLong(path: path, limit: capacity) }
        withUnsafeMutableBytes(of: &storage.sun_path) { sunPath in
            sunPath.copyBytes(from: bytes)
            // "Support for abstract socket": the leading @ stands for a NUL byte.
            if sunPath[0] == UInt8(ascii: "@") { sunPath[0] = 0 }
        }
        // offsetof(struct sockaddr_un, sun_path) + path_length: an abstract name is exactly that
        // many bytes, trailing NULs included, so the length must not cover the rest of sun_path.
        let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? MemoryLayout<sa_family_t>.size
        return Address(storage: storage, length: socklen_t(offset + bytes.count))
    }

    private static func datagramSocket() -> Int32 {
        #if canImport(Glibc)
        socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #elseif os(Linux)
        socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)
        #else
        socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
    }

    /// MSG_NOSIGNAL: a vanished manager must produce an error, not a SIGPIPE that kills the daemon.
    /// MSG_DONTWAIT: `send` runs on Swift concurrency's shared threads, which must not block on a
    /// service manager that is not reading; a full queue is reported (EAGAIN) and can be retried.
    private static var sendFlags: Int32 {
        #if os(Linux)
        Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)
        #else
        Int32(MSG_DONTWAIT)
        #endif
    }
}
