import Foundation

/// `DATABASE_URL` as the operator wrote it: a libpq connection string, either a URI
/// (`postgres://user:password@host1:5432,host2:5432/db?target_session_attrs=read-write`) or
/// keyword=value pairs (`host=db port=5432 dbname=flexprice passfile=/etc/exporter/pgpass`).
///
/// It is handed to libpq unchanged, so every form psql accepts works here too (several hosts,
/// `service`, `passfile`, `sslmode` up to verify-full, `target_session_attrs`, ...). libpq itself
/// validates it when the exporter connects. `overrides` are extra keyword=value settings applied
/// after the string (libpq keeps the last value of a repeated keyword), so tests and tools can
/// point the same settings at another database without rewriting the operator's text.
///
/// Its `description` redacts the password, so the URL can be logged as configured.
/// Connection strings: https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// The text as configured.
    public let connectionString: String
    /// keyword=value settings that win over the string's own (applied in order).
    public private(set) var overrides: [Override]

    public struct Override: Sendable, Hashable {
        public let keyword: String
        public let value: String
    }

    public init(_ connectionString: String) {
        self.connectionString = connectionString
        self.overrides = []
    }

    /// Accepts any non-empty text; libpq says what is wrong with it at the first connection.
    public static func parse(_ text: String) throws(SettingsError) -> DatabaseURL {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw .invalid(name: "DATABASE_URL", problem: "is empty; use postgres://user@host/db or host=... dbname=...")
        }
        return DatabaseURL(trimmed)
    }

    /// The same URL with `keyword=value` applied after it (`dbname`, `sslmode`, `password`, ...).
    public func setting(_ keyword: String, to value: String) -> DatabaseURL {
        var copy = self
        copy.overrides.removeAll { $0.keyword == keyword }
        copy.overrides.append(Override(keyword: keyword, value: value))
        return copy
    }

    /// The value an override sets, if any.
    public func override(_ keyword: String) -> String? {
        overrides.last { $0.keyword == keyword }?.value
    }

    /// Every password the text itself carries, read without libpq (which may not be able to parse
    /// it: then it names no password, yet its message quotes the string): the user info of a
    /// URI of any scheme, and `password=` as a query parameter or keyword. For scrubbing messages.
    public var embeddedPasswords: [String] {
        var found: [String] = []
        for match in connectionString.matches(of: #/[A-Za-z][A-Za-z0-9+.\-]*://[^:@/\s]*:([^@\s]*)@/#) {
            found.append(String(match.output.1))
        }
        for match in connectionString.matches(of: #/password\s*=\s*('((?:[^'\\]|\\.)*)'?|[^&\s]*)/#.ignoresCase()) {
            found.append(match.output.2.map(String.init) ?? String(match.output.1))
        }
        // A URI's values may be percent-encoded; libpq decodes them before use.
        found += found.compactMap { value in value.removingPercentEncoding.flatMap { $0 == value ? nil : $0 } }
        return found.filter { !$0.isEmpty } + overrides.filter { $0.keyword == "password" }.map(\.value)
    }

    public var description: String {
        let shown = overrides.map { $0.keyword == "password" ? "password=***" : "\($0.keyword)=\($0.value)" }
        return ([Self.redacting(connectionString)] + shown).joined(separator: " ")
    }

    /// `text` with every password a connection string can carry replaced by `***`: the
    /// `user:password@` of a URI, a `password=` query parameter, and a `password=` keyword
    /// (bare or single-quoted). For error messages that may echo the string (libpq's parse
    /// errors do).
    public static func redacting(_ text: String) -> String {
        var out = text
        // URI user info: scheme://user:password@host, whatever the scheme: a mistyped one
        // (`postgress://`, `pg://`, `postgresql+psycopg2://`) is one libpq does not read as a URI,
        // and its message quotes the whole string. (RFC 3986 3.1: a scheme is a letter followed by
        // letters, digits, "+", "-" and ".".)
        out = out.replacing(#/([A-Za-z][A-Za-z0-9+.\-]*://[^:@/\s]*):[^@\s]*@/#) { "\($0.output.1):***@" }
        // password= as a URI query parameter or as a keyword (quoted with '...' and \' escapes).
        out = out.replacing(#/(password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^&\s]*)/#.ignoresCase()) { "\($0.output.1)***" }
        return out
    }
}
