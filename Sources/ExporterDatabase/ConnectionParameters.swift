internal import CLibPQ
import ExporterCore
import Foundation

/// The keyword/value arrays handed to `PQconnectdbParams`, and the secrets to keep out of messages.
///
/// DATABASE_URL goes in unchanged as the expanded `dbname` (`expand_dbname = 1`), so libpq reads
/// it exactly as psql would. libpq keeps the last value of a repeated keyword, so the exporter's
/// defaults come *before* it (the operator's URL wins) and the URL's ``DatabaseURL/overrides``
/// after it. https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-PQCONNECTDBPARAMS
struct ConnectionParameters: Sendable {
    let keywords: [String]
    let values: [String]
    /// Passwords the URL carries, scrubbed from every message.
    let scrubber: SecretScrubber

    /// Defaults a URL may override.
    /// - `fallback_application_name`: `pg_stat_activity` names the exporter unless the URL (or
    ///   PGAPPNAME) sets `application_name`.
    /// - `connect_timeout`: a host that does not answer is given up on (and the next one tried).
    /// - keepalives and `tcp_user_timeout`: a server that vanishes (a failover, a cut network)
    ///   fails the read or write that waits on it within about a minute instead of hanging it.
    static let defaults: [(String, String)] = [
        ("fallback_application_name", "flexprice-exporter"),
        ("connect_timeout", "10"),
        ("keepalives", "1"),
        ("keepalives_idle", "30"),
        ("keepalives_interval", "10"),
        ("keepalives_count", "3"),
        ("tcp_user_timeout", "60000"),
    ]

    /// - Throws: ``DatabaseError/Kind/invalidConnectionString`` when libpq cannot parse the URL.
    init(_ url: DatabaseURL, connectTimeoutSeconds: Int? = nil) throws(DatabaseError) {
        // The string's own passwords too: when libpq cannot parse it, it reports none, yet its
        // message quotes the string.
        var passwords = url.embeddedPasswords
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url.connectionString, &errorMessage) else {
            let text = errorMessage.map { String(cString: $0) } ?? "libpq could not parse it"
            if let errorMessage { PQfreemem(errorMessage) }
            throw DatabaseError(kind: .invalidConnectionString,
                                message: "DATABASE_URL is not a valid connection string: "
                                    + SecretScrubber(passwords: passwords).scrub(text))
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val {
                passwords.append(String(cString: value))
            }
            option += 1
        }
        var pairs = Self.defaults
        if let connectTimeoutSeconds { pairs.append(("connect_timeout", String(connectTimeoutSeconds))) }
        pairs.append(("dbname", url.connectionString))
        pairs += url.overrides.map { ($0.keyword, $0.value) }
        keywords = pairs.map(\.0)
        values = pairs.map(\.1)
        scrubber = SecretScrubber(passwords: passwords)
    }
}

/// Removes passwords from text that libpq or the server produced.
struct SecretScrubber: Sendable {
    let passwords: [String]

    /// Replaces each known password (three characters or more: shorter ones would erase
    /// ordinary words) and anything shaped like a password setting with `***`, and puts libpq's
    /// multi-line messages on one line (a log line, an `export_runs.error_message`).
    func scrub(_ text: String) -> String {
        var out = DatabaseURL.redacting(text)
        for password in passwords where password.count >= 3 {
            out = out.replacingOccurrences(of: password, with: "***")
        }
        return out.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}
