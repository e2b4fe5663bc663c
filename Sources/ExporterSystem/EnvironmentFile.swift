#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A config file in the format of systemd's `EnvironmentFile=`
/// ([systemd.exec(5)](https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#EnvironmentFile=)),
/// read the way systemd reads it, so one file means the same to the unit and to `--config`.
///
/// systemd.exec(5), step by step (systemd's `parse_env_file_internal` is the reference):
/// - one `KEY=value` assignment per line; empty lines, lines without `=`, and lines starting
///   with `#` or `;` are ignored; whitespace around the key and around the value is discarded;
/// - an unquoted value keeps its interior whitespace and any quote after its first character;
///   a backslash keeps the next character (`\\` is `\`), and a backslash at the end of a line
///   continues the value on the next line;
/// - a `'`-quoted value is taken verbatim (no escapes) and may span lines;
/// - a `"`-quoted value may span lines; a backslash before `"`, `\`, `` ` `` or `$` keeps that
///   character, before a newline continues the line, before anything else is kept with it;
/// - quoted and unquoted pieces next to each other join (`KEY="a"'b'c` is `abc`);
/// - a name must be letters, digits and `_`, not starting with a digit; systemd ignores an
///   assignment to any other name;
/// - when a key is set twice, the last assignment wins.
///
/// Where systemd is silent the exporter is not: ``ignored`` lists the lines it skips, for a
/// warning naming each line. Two mistakes are refused rather than skipped
/// (``EnvironmentFileError``): an `export KEY=value` line, which systemd ignores, so the file
/// would mean one thing to a shell and another to the unit; and a quote that is never closed,
/// whose value would swallow every line after it.
public struct EnvironmentFile: Sendable, Equatable {
    /// One `KEY=value`, with the line its key is on (1-based).
    public struct Assignment: Sendable, Equatable {
        public let key: String
        public let value: String
        public let line: Int

        public init(key: String, value: String, line: Int) {
            self.key = key
            self.value = value
            self.line = line
        }
    }

    /// A line systemd would skip without a word; the exporter skips it too and says so. Never
    /// carries the line's value, which may be a secret.
    public enum IgnoredLine: Sendable, Equatable {
        /// Text without `=`.
        case noEquals(line: Int)
        /// An assignment whose name is not a variable name. `name` is nil when it is not shown
        /// because it could hold part of a secret (a pasted URL, say).
        case invalidName(line: Int, name: String?)

        public var line: Int {
            switch self {
            case .noEquals(let line), .invalidName(let line, _): line
            }
        }
    }

    /// The file's path, as named.
    public let path: String
    /// Every assignment in file order (a repeated key appears each time; the last wins).
    public let assignments: [Assignment]
    public let ignored: [IgnoredLine]

    /// One warning per ignored line, naming the file and the line.
    public var warnings: [String] { ignored.map(warning(for:)) }

    /// The warning for one ignored line, naming the file and the line.
    public func warning(for ignored: IgnoredLine) -> String {
        switch ignored {
        case .noEquals(let line):
            "\(path), line \(line) has no \"=\" and is ignored"
        case .invalidName(let line, let name):
            "\(path), line \(line): " + (name.map { "\($0) is not" } ?? "the text before \"=\" is not")
                + " a variable name (letters, digits and _, not starting with a digit); the line is ignored"
        }
    }

    /// The value of each key: the last assignment wins, as in systemd.
    public var values: [String: String] {
        Dictionary(assignments.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Reads and parses the file at `path`.
    /// - Parameter namedBy: what named the file (`--config`, `EXPORTER_CONFIG_FILE`), for the
    ///   error message.
    /// - Throws: ``EnvironmentFileError``, one sentence naming the path.
    public static func load(path: String, namedBy: String) throws(EnvironmentFileError) -> EnvironmentFile {
        let bytes = try readBytes(path: path, namedBy: namedBy)
        return try parse(bytes, path: path)
    }

    /// Parses a file's bytes: UTF-8, as systemd requires.
    public static func parse(_ bytes: [UInt8], path: String) throws(EnvironmentFileError) -> EnvironmentFile {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            var line = 1
            for piece in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                if String(validating: piece, as: UTF8.self) == nil { break }
                line += 1
            }
            throw .notUTF8(path: path, line: line)
        }
        return try parse(text, path: path)
    }

    /// Parses a file's text.
    public static func parse(_ text: String, path: String) throws(EnvironmentFileError) -> EnvironmentFile {
        var parser = Parser(path: path)
        for scalar in text.unicodeScalars { try parser.consume(scalar) }
        try parser.finish()
        return EnvironmentFile(path: path, assignments: parser.assignments, ignored: parser.ignored)
    }

    /// Whether `name` is a name systemd assigns: letters, digits and `_`, not starting with a digit.
    public static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    private static func readBytes(path: String, namedBy: String) throws(EnvironmentFileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path: path, namedBy: namedBy, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unreadable(path: path, namedBy: namedBy, errno: errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .directory(path: path, namedBy: namedBy) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, namedBy: namedBy, errno: errno)
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// systemd's state machine, one Unicode scalar at a time.
    private struct Parser {
        enum State {
            case preKey, key, preValue, value, valueEscape, singleQuote, doubleQuote, doubleQuoteEscape, comment
        }

        let path: String
        var state = State.preKey
        var line = 1
        var keyLine = 1
        /// Where the quote being read was opened.
        var quoteLine = 1
        var key = ""
        var value = ""
        /// The value's length before its trailing whitespace, when it ends in whitespace.
        var valueLengthBeforeSpace: Int?
        var valueLength = 0
        var assignments: [Assignment] = []
        var ignored: [IgnoredLine] = []

        init(path: String) { self.path = path }

        static let whitespace: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r"]
        static let newline: Set<Unicode.Scalar> = ["\n", "\r"]
        static let shellNeedsEscape: Set<Unicode.Scalar> = ["\"", "\\", "`", "$"]

        mutating func consume(_ c: Unicode.Scalar) throws(EnvironmentFileError) {
            defer { if c == "\n" { line += 1 } }
            switch state {
            case .preKey:
                if c == "#" || c == ";" {
                    state = .comment
                } else if !Self.whitespace.contains(c) {
                    state = .key
                    key = String(c)
                    keyLine = line
                }
            case .key:
                if Self.newline.contains(c) {
                    ignored.append(.noEquals(line: keyLine))
                    state = .preKey
                } else if c == "=" {
                    state = .preValue
                    value = ""
                    valueLength = 0
                    valueLengthBeforeSpace = nil
                } else {
                    key.unicodeScalars.append(c)
                }
            case .preValue:
                if Self.newline.contains(c) {
                    try push()
                    state = .preKey
                } else if c == "'" {
                    state = .singleQuote
                    quoteLine = line
                } else if c == "\"" {
                    state = .doubleQuote
                    quoteLine = line
                } else if c == "\\" {
                    state = .valueEscape
                } else if !Self.whitespace.contains(c) {
                    state = .value
                    append(c)
                }
            case .value:
                if Self.newline.contains(c) {
                    trimTrailingSpace()
                    try push()
                    state = .preKey
                } else if c == "\\" {
                    state = .valueEscape
                    valueLengthBeforeSpace = nil
                } else {
                    if !Self.whitespace.contains(c) {
                        valueLengthBeforeSpace = nil
                    } else if valueLengthBeforeSpace == nil {
                        valueLengthBeforeSpace = valueLength
                    }
                    append(c)
                }
            case .valueEscape:
                state = .value
                // An escaped newline continues the line and is dropped.
                if !Self.newline.contains(c) { append(c) }
            case .singleQuote:
                if c == "'" { state = .preValue } else { append(c) }
            case .doubleQuote:
                if c == "\"" {
                    state = .preValue
                } else if c == "\\" {
                    state = .doubleQuoteEscape
                } else {
                    append(c)
                }
            case .doubleQuoteEscape:
                state = .doubleQuote
                if Self.shellNeedsEscape.contains(c) {
                    append(c)
                } else if c != "\n" {
                    append("\\")
                    append(c)
                }
            case .comment:
                if Self.newline.contains(c) { state = .preKey }
            }
        }

        mutating func finish() throws(EnvironmentFileError) {
            switch state {
            case .singleQuote, .doubleQuote, .doubleQuoteEscape:
                throw .unclosedQuote(path: path, line: quoteLine, quote: state == .singleQuote ? "'" : "\"")
            case .value:
                trimTrailingSpace()
                try push()
            case .preValue, .valueEscape:
                try push()
            case .key:
                ignored.append(.noEquals(line: keyLine))
            case .preKey, .comment:
                break
            }
        }

        mutating func append(_ c: Unicode.Scalar) {
            value.unicodeScalars.append(c)
            valueLength += 1
        }

        mutating func trimTrailingSpace() {
            guard let kept = valueLengthBeforeSpace else { return }
            value = String(String.UnicodeScalarView(value.unicodeScalars.prefix(kept)))
        }

        mutating func push() throws(EnvironmentFileError) {
            // Whitespace between the key and "=" is not part of the key.
            var name = Substring(key)
            while let last = name.unicodeScalars.last, Self.whitespace.contains(last) { name = name.dropLast() }
            let trimmed = String(name)
            if EnvironmentFile.isVariableName(trimmed) {
                assignments.append(Assignment(key: trimmed, value: value, line: keyLine))
                return
            }
            let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.count == 2, words[0] == "export", EnvironmentFile.isVariableName(String(words[1])) {
                throw .exportPrefix(path: path, line: keyLine, key: String(words[1]))
            }
            // A name with ":", "/" or "@" may be a pasted URL holding a password: not shown.
            let shown = trimmed.count <= 64 && !trimmed.contains(where: { ":/@".contains($0) }) ? trimmed : nil
            ignored.append(.invalidName(line: keyLine, name: shown))
        }
    }
}
