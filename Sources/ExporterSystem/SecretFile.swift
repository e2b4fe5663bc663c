#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A secret setting read from a file rather than from the environment or the config file, so it
/// is in neither (issue 25): `<KEY>_FILE=/path` names the file, or, under systemd, a credential
/// named `<KEY>` in `$CREDENTIALS_DIRECTORY` (`LoadCredential=<KEY>:/path` in the unit;
/// [systemd.exec(5), Credentials](https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#Credentials)).
///
/// The order, for each key (``resolve(_:lookup:credentialsDirectory:)``):
/// 1. `<KEY>` and `<KEY>_FILE` both set is an error: which one was meant cannot be guessed, and
///    a secret left behind in the config file is what `_FILE` exists to avoid;
/// 2. `<KEY>_FILE` names a file: its contents, one trailing line break removed (`\n` or `\r\n`,
///    as `echo` and editors leave it); a file that cannot be read is an error naming the
///    variable and the path;
/// 3. `<KEY>` itself;
/// 4. `$CREDENTIALS_DIRECTORY/<KEY>`, when that file exists (with a warning when 2 or 3 won
///    over it: the credential is then not what the daemon uses).
/// An error never quotes the file's contents.
public enum SecretFile {
    /// Larger files are refused: a secret is a few hundred bytes, and a path to a device or a
    /// log file by mistake should fail at once rather than be read whole.
    public static let maximumBytes = 64 * 1024

    /// Where a secret was read, for messages (never the value).
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        /// `<KEY>` itself, from the environment or the config file.
        case setting
        /// `<KEY>_FILE`'s file.
        case file(variable: String, path: String)
        /// A systemd credential.
        case credential(path: String)

        public var description: String {
            switch self {
            case .setting: "the setting itself"
            case .file(let variable, let path): "\(path), named by \(variable)"
            case .credential(let path): "the systemd credential \(path)"
            }
        }
    }

    public struct Resolved: Sendable, Equatable {
        public let value: String
        public let origin: Origin
        /// Something the operator should know (a credential that is present but not used).
        public let warning: String?
    }

    /// The value of secret setting `key`, or nil when it is set nowhere.
    /// - Parameters:
    ///   - lookup: the settings as read (environment, then config file).
    ///   - credentialsDirectory: `$CREDENTIALS_DIRECTORY`, set by systemd when the unit loads credentials.
    public static func resolve(_ key: String, lookup: (String) -> String?,
                               credentialsDirectory: String?) throws(SecretFileError) -> Resolved? {
        let fileVariable = key + "_FILE"
        let direct = lookup(key).flatMap { $0.isEmpty ? nil : $0 }
        let path = lookup(fileVariable).flatMap { $0.isEmpty ? nil : $0 }
        let credential = credentialsDirectory.flatMap { $0.isEmpty ? nil : $0 }.map { directory in
            (directory.hasSuffix("/") ? directory : directory + "/") + key
        }
        let credentialExists = credential.map { access($0, F_OK) == 0 } ?? false
        let unused = credentialExists ? credential.map {
            "the systemd credential \($0) is not used: \(key)\(path != nil ? "_FILE" : "") is set, and wins"
        } : nil
        if direct != nil, path != nil { throw .bothSet(key: key) }
        if let path {
            return Resolved(value: try read(path: path, namedBy: fileVariable), origin: .file(variable: fileVariable, path: path),
                            warning: unused)
        }
        if let direct { return Resolved(value: direct, origin: .setting, warning: unused) }
        if let credential, credentialExists {
            return Resolved(value: try read(path: credential, namedBy: "$CREDENTIALS_DIRECTORY (systemd credential \(key))"),
                            origin: .credential(path: credential), warning: nil)
        }
        return nil
    }

    /// A secret file's contents: UTF-8, one trailing line break removed, not empty.
    public static func read(path: String, namedBy: String) throws(SecretFileError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw .unreadable(path: path, namedBy: namedBy, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unreadable(path: path, namedBy: namedBy, errno: errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .directory(path: path, namedBy: namedBy) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notRegular(path: path, namedBy: namedBy) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var readError: Int32 = 0
        // Reads at most one chunk past the limit: a larger file is refused, not read whole.
        while bytes.count <= maximumBytes {
            let count = chunk.withUnsafeMutableBytes { readChunk(descriptor, $0) }
            if count < 0 {
                if errno == EINTR { continue }
                readError = errno
                break
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        if readError != 0 { throw .unreadable(path: path, namedBy: namedBy, errno: readError) }
        if bytes.count > maximumBytes { throw .tooLarge(path: path, namedBy: namedBy) }
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8(path: path, namedBy: namedBy) }
        guard !text.isEmpty else { throw .empty(path: path, namedBy: namedBy) }
        return text
    }
}

/// `read(2)`, out of reach of ``SecretFile/read(path:namedBy:)``'s name.
private func readChunk(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}

/// Why a secret file was refused: one sentence naming the variable and the path, never the contents.
public enum SecretFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case bothSet(key: String)
    case unreadable(path: String, namedBy: String, errno: Int32)
    case directory(path: String, namedBy: String)
    /// A FIFO, socket or device: not a file a secret is kept in.
    case notRegular(path: String, namedBy: String)
    case tooLarge(path: String, namedBy: String)
    case notUTF8(path: String, namedBy: String)
    case empty(path: String, namedBy: String)

    public var description: String {
        switch self {
        case .bothSet(let key):
            "\(key) and \(key)_FILE are both set: set one of them (\(key)_FILE keeps the secret out of the environment and the config file)"
        case .unreadable(let path, let namedBy, let code) where code == ENOENT:
            "\(namedBy) names \(path), which does not exist"
        case .unreadable(let path, let namedBy, let code) where code == EACCES:
            "\(namedBy) names \(path), which this user may not read: permission denied"
        case .unreadable(let path, let namedBy, let code):
            "\(namedBy) names \(path), which cannot be read: \(String(cString: strerror(code)))"
        case .directory(let path, let namedBy):
            "\(namedBy) names \(path), which is a directory: name the file holding the secret"
        case .notRegular(let path, let namedBy):
            "\(namedBy) names \(path), which is not a regular file"
        case .tooLarge(let path, let namedBy):
            "\(namedBy) names \(path), which is larger than \(SecretFile.maximumBytes / 1024) KiB: not a secret file"
        case .notUTF8(let path, let namedBy):
            "\(namedBy) names \(path), which is not UTF-8 text"
        case .empty(let path, let namedBy):
            "\(namedBy) names \(path), which is empty"
        }
    }
}
