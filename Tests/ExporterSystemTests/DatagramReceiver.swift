import Glibc

/// A bound AF_UNIX datagram socket standing in for systemd's notification socket.
final class DatagramReceiver {
    let fd: Int32
    /// The NOTIFY_SOCKET value that reaches this socket (`/path` or `@name`).
    let notifySocket: String
    private let filePath: String?

    enum Failure: Error, CustomStringConvertible {
        case call(String, Int32)
        var description: String {
            switch self {
            case .call(let name, let code): "\(name) failed: \(String(cString: strerror(code)))"
            }
        }
    }

    /// - Parameter abstract: bind in the Linux abstract namespace instead of the file system.
    init(abstract: Bool) throws {
        let name = "flexprice-notify-\(getpid())-\(UInt64.random(in: 0 ... .max))"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure.call("socket", errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes: [UInt8] = abstract ? [0] + Array(name.utf8) : Array("/tmp/\(name).sock".utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw Failure.call("bind", code)
        }
        self.fd = fd
        notifySocket = abstract ? "@" + name : "/tmp/\(name).sock"
        filePath = abstract ? nil : notifySocket
    }

    deinit {
        close(fd)
        if let filePath { unlink(filePath) }
    }

    /// The next queued datagram, or nil when none is waiting (never blocks: a local AF_UNIX
    /// sendto has queued its datagram by the time it returns).
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
