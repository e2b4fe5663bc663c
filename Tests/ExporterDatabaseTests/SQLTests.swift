import ExporterCore
@testable import ExporterDatabase
import Foundation
import Testing

struct SQLTests {
    @Test func interpolatedValuesBecomeNumberedParametersWithTheirTypes() {
        let id: Int64 = 42
        let name: String? = nil
        let sql: SQL = "UPDATE t SET a = \(id), b = \(name), c = \(true) WHERE d = ANY(\(["x", "y\"z"]))"
        #expect(sql.text == "UPDATE t SET a = $1, b = $2, c = $3 WHERE d = ANY($4)")
        #expect(sql.binds.values == ["42", nil, "true", #"{"x","y\"z"}"#])
        #expect(sql.binds.types == [20, 25, 16, 1009])
    }

    @Test func aTextArrayQuotesEveryElementAndEscapesQuotesAndBackslashesOnly() {
        #expect(["a", "b \"c\"", #"d\e"#, "é—€", "", "{x,y}"].sqlText == #"{"a","b \"c\"","d\\e","é—€","","{x,y}"}"#)
        #expect([String]().sqlText == "{}")
    }

    @Test func datesBindAsRFC3339UTCWithMicroseconds() {
        let sql: SQL = "SELECT \(Date(timeIntervalSince1970: 1_764_201_600.25))"
        #expect(sql.binds.values == ["2025-11-27T00:00:00.250000Z"])
        #expect(sql.binds.types == [1184])
    }

    @Test func inliningReplacesParametersOutsideQuotesOnly() throws {
        let sql = SQL(unsafeSQL: #"COPY (SELECT '$1', "$2" FROM t WHERE a = $1 AND b = $2 AND c = $10) TO STDOUT"#,
                      binds: { var b = SQLBindings(); b.append("it's"); b.append(Int64(7)); return b }())
        let text = try sql.inliningParameters { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }
        #expect(text == #"COPY (SELECT '$1', "$2" FROM t WHERE a = 'it''s'::text AND b = '7'::bigint AND c = $10) TO STDOUT"#)
    }

    @Test func aNullParameterInlinesAsATypedNull() throws {
        var binds = SQLBindings()
        binds.append(Optional<String>.none)
        let text = try SQL(unsafeSQL: "SELECT $1", binds: binds).inliningParameters { $0 }
        #expect(text == "SELECT NULL::text")
    }
}

struct DatabaseRowTests {
    let row = DatabaseRow(columnNames: ["id", "name", "ok", "at", "n"],
                          values: ["7", nil, "t", "2026-11-27 15:22:39.5+00", "12"])

    @Test func aTupleOfTypesDecodesColumnByColumn() throws {
        let (id, name, ok, at, n) = try row.decode((Int64, String?, Bool, Date, Int32).self)
        #expect(id == 7)
        #expect(name == nil)
        #expect(ok)
        #expect(at == Date(timeIntervalSince1970: 1_795_792_959.5))
        #expect(n == 12)
        #expect(try row.decode(Int.self) == 7)
    }

    @Test func infiniteTimestampsAreTheDistantFutureAndPast() throws {
        let infinite = DatabaseRow(columnNames: ["a", "b"], values: ["infinity", "-infinity"])
        let (future, past) = try infinite.decode((Date, Date).self)
        #expect(future == .distantFuture)
        #expect(past == .distantPast)
    }

    @Test func aWrongTypeNamesTheColumnNotTheValue() {
        #expect(throws: DatabaseError(kind: .decoding, message: "column name is NULL where String was expected")) {
            try row.decode((Int64, String).self)
        }
        #expect(throws: DatabaseError(kind: .decoding, message: "column ok is not a valid Int64")) {
            try row.decode(Int64.self, at: 2)
        }
    }
}

struct ConnectionFailureTests {
    @Test func aServerThatSaysFatalRefusedTheLogin() {
        let error = DatabaseConnection.Handle.connectFailure(
            #"connection to server at "127.0.0.1", port 5432 failed: FATAL:  password authentication failed for user "exporter""#,
            needsPassword: false)
        #expect(error.kind == .loginRefused)
    }

    @Test func aServerStartingUpIsUnavailableNotRefused() {
        let error = DatabaseConnection.Handle.connectFailure(
            #"connection to server at "127.0.0.1", port 5432 failed: FATAL:  the database system is starting up"#,
            needsPassword: false)
        #expect(error.kind == .unavailable)
    }

    @Test func noPasswordWhereOneIsNeededIsARefusedLogin() {
        let error = DatabaseConnection.Handle.connectFailure("fe_sendauth: no password supplied", needsPassword: true)
        #expect(error.kind == .loginRefused)
        #expect(error.message.contains("passfile"))
    }

    @Test func aRefusedConnectionIsUnavailable() {
        let error = DatabaseConnection.Handle.connectFailure(
            #"connection to server at "127.0.0.1", port 1 failed: Connection refused"#, needsPassword: false)
        #expect(error.kind == .unavailable)
    }

    @Test func aBadOptionValueIsAnInvalidConnectionString() {
        let error = DatabaseConnection.Handle.connectFailure(
            #"invalid integer value "notanumber" for connection option "port""#, needsPassword: false)
        #expect(error.kind == .invalidConnectionString)
    }

    @Test func anUnparsableURLIsRefusedBeforeConnectingWithoutItsPassword() throws {
        #expect {
            try ConnectionParameters(DatabaseURL("host=127.0.0.1 password=Wr0ngPa55-XYZ bogus"))
        } throws: { error in
            guard let error = error as? DatabaseError else { return false }
            return error.kind == .invalidConnectionString && !error.message.contains("Wr0ngPa55")
        }
    }

    @Test func theURLGoesToLibpqUnchangedAfterTheDefaultsItMayOverride() throws {
        let url = DatabaseURL("postgres://u:secret@h1:5432,h2:5433/db?application_name=mine").setting("dbname", to: "other")
        let parameters = try ConnectionParameters(url)
        let dbname = try #require(parameters.keywords.firstIndex(of: "dbname"))
        #expect(parameters.values[dbname] == "postgres://u:secret@h1:5432,h2:5433/db?application_name=mine")
        #expect(parameters.keywords[..<dbname].contains("fallback_application_name"))
        #expect(parameters.keywords.last == "dbname" && parameters.values.last == "other")
        #expect(parameters.scrubber.scrub("failed for secret here") == "failed for *** here")
    }
}

struct SecretScrubberTests {
    @Test func passwordsAreScrubbedAndMessagesPutOnOneLine() {
        let scrubber = SecretScrubber(passwords: ["hunter22", "ab"])
        let message = "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n"
            + "\tbefore or while processing the request. password=hunter22 ab"
        #expect(scrubber.scrub(message) == "server closed the connection unexpectedly This probably means the server "
            + "terminated abnormally before or while processing the request. password=*** ab")
        #expect(scrubber.scrub("missing \"=\" after \"postgres://u:hunter22@h/db x\"") == "missing \"=\" after \"postgres://u:***@h/db x\"")
    }
}
