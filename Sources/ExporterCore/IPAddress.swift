#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, as the endpoint policy (``EndpointPolicy``) judges it.
///
/// Text is parsed with `inet_pton`, the parser SwiftNIO (and so AsyncHTTPClient) uses to decide
/// whether a URL's host is an address literal: a host this type does not accept is a name for
/// the resolver, never an address read two different ways. `inet_pton` takes only the standard
/// forms (dotted-decimal IPv4 without leading zeros, RFC 4291 IPv6); the shorthands `inet_aton`
/// and `getaddrinfo` accept (`2852039166`, `0251.0376.0251.0376`, `0xa9fea9fe`, `127.1`) are names
/// here, and are judged by what the resolver turns them into.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// In host byte order: `0xA9FE_A9FE` is 169.254.169.254.
    case v4(UInt32)
    /// The 16 bytes, in network order.
    case v6([UInt8])

    public init?(_ text: String) {
        var host = Substring(text)
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(host), &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, String(host), &v6) == 1 else { return nil }
        self = .v6(withUnsafeBytes(of: &v6) { Array($0) })
    }

    /// An address from the bytes of a socket address (`sin_addr`, `sin6_addr`), in network order.
    public init?(networkBytes bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4: self = .v4(bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        case 16: self = .v6(Array(bytes))
        default: return nil
        }
    }

    public var isIPv4: Bool {
        if case .v4 = self { return true }
        return false
    }

    /// The standard text form (`inet_ntop`): `169.254.169.254`, `fd00:ec2::254`, `::ffff:127.0.0.1`.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch self {
        case .v4(let value):
            var address = in_addr(s_addr: value.bigEndian)
            guard inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        case .v6(let bytes):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes.prefix(16)) }
            guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The IPv4 address an IPv6 address stands for, where packets to it reach that IPv4 address:
    /// IPv4-mapped (`::ffff:a.b.c.d`, RFC 4291), IPv4-compatible (`::a.b.c.d`, deprecated; not
    /// `::` nor `::1`), NAT64's well-known prefix (`64:ff9b::a.b.c.d`, RFC 6052), 6to4
    /// (`2002:aabb:ccdd::`, RFC 3056, whose relay is that IPv4 address) and Teredo
    /// (`2001:0::/32`, RFC 4380, whose client address is the last 32 bits inverted).
    public var embeddedIPv4: UInt32? {
        guard case .v6(let b) = self, b.count == 16 else { return nil }
        func word(_ at: Int) -> UInt32 { b[at..<at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        let tail = word(12)
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return tail }
        if b[0..<12].allSatisfy({ $0 == 0 }) && tail > 1 { return tail }
        if Array(b[0..<12]) == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return tail }
        if b[0] == 0x20 && b[1] == 0x02 { return word(2) }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0 { return ~tail }
        return nil
    }
}
