import ExporterCore
import Foundation
import ExporterDatabase
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every `DATABASE_URL` an operator writes for psql works for the exporter (issue 13): the URL
/// goes to libpq unchanged, so several hosts, the keyword=value form, a passfile,
/// `target_session_attrs` and `application_name` are honoured; the exporter names itself
/// `flexprice-exporter` in `pg_stat_activity` unless the URL names it otherwise; a refused login
/// and a URL libpq cannot parse exit 78 (configuration), saying so, and no password is ever
/// printed.
///
/// Each test drives the built binary (`sync` of a seeded connection of its own, or `check`) and
/// asserts on its exit code, its output and the database.
@Suite(TestServices.needsServices())
struct DatabaseURLTests {
    /// A password no test server accepts, distinctive enough to search the output for.
    static let wrongPassword = "Wr0ngPa55-XYZ"
    static let seededRows = 250

    func environment(_ databaseURL: String, extra: [String: String] = [:]) -> [String: String] {
        ["DATABASE_URL": databaseURL, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
         "EXPORTER_LOG_LEVEL": "error"].merging(extra) { $1 }
    }

    /// `sync` of the 2026-11-20 window of a connection of its own, holding `seededRows` usage rows.
    func syncArguments(_ connection: TestConnection) -> [String] {
        ["sync", "--connection", connection.id, "--from", "2026-11-20", "--to", "2026-11-21"]
    }

    func seededConnection(_ services: Services) async throws -> TestConnection {
        try await services.newConnection(seed: { try await services.seedUsageRows(tenant: $0, count: Self.seededRows) })
    }

    /// Exports a fresh seeded connection through `databaseURL`: `sync` exits 0, the run is
    /// recorded `succeeded` with every seeded row.
    func expectSyncWorks(_ services: Services, databaseURL: String, extra: [String: String] = [:],
                         sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let connection = try await seededConnection(services)
        let sync = try await ExporterCommand.run(syncArguments(connection), environment: environment(databaseURL, extra: extra))
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)", sourceLocation: sourceLocation)
        #expect(sync.stdout.contains("succeeded, \(Self.seededRows) rows"), "\(sync.stdout)", sourceLocation: sourceLocation)
        let runs = try await services.runs(connection: connection.id)
        #expect(runs.map(\.status) == ["succeeded"], "\(runs)\n\(sync.stderr)", sourceLocation: sourceLocation)
        #expect(runs.first?.rowCount == Int64(Self.seededRows), sourceLocation: sourceLocation)
    }

    /// A loopback port where nothing listens: bound and closed again, then checked to refuse.
    func refusedPort() throws -> Int {
        func loopback(_ port: UInt16) -> sockaddr_in {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            return address
        }
        func call(_ fd: Int32, _ address: inout sockaddr_in, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        var any = loopback(0)
        try #require(call(listener, &any) { bind($0, $1, $2) } == 0)
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        close(listener)
        let port = UInt16(bigEndian: bound.sin_port)
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var target = loopback(port)
        let connected = call(probe, &target) { connect($0, $1, $2) }
        let error = errno
        try #require(connected == -1 && error == ECONNREFUSED, "port \(port) should refuse connections")
        return Int(port)
    }

    // MARK: forms libpq accepts

    @Test func aURLWithTwoHostsOfWhichTheFirstIsDownUsesTheSecond() async throws {
        try await TestServices.with { services in
            let url = services.databaseURL
            let down = try refusedPort()
            let password = try #require(url.password)
            let twoHosts = "postgres://\(url.username):\(password)@127.0.0.1:\(down),\(url.host):\(url.port)/\(url.database)?sslmode=disable"
            try await expectSyncWorks(services, databaseURL: twoHosts)
        }
    }

    @Test func theKeywordValueFormWorks() async throws {
        try await TestServices.with { services in
            let url = services.databaseURL
            let password = try #require(url.password)
            let keywords = "host=\(url.host) port=\(url.port) user=\(url.username) password=\(password) dbname=\(url.database) sslmode=disable"
            try await expectSyncWorks(services, databaseURL: keywords)
        }
    }

    /// A URL without a password logs in with the password from its `passfile`; without the
    /// passfile the same URL is a refused login (78). The server demands a password over TCP
    /// (checked first), so the success is the passfile's doing.
    @Test func aPassfileSuppliesThePasswordAndWithoutItTheLoginIsRefused() async throws {
        try await TestServices.with { services in
            let rules = try await services.postgres.query("""
                SELECT type, coalesce(auth_method, '') FROM pg_hba_file_rules WHERE type LIKE 'host%' AND error IS NULL
                """).map { try $0.decode((String, String).self) }
            try #require(!rules.isEmpty, "the server has TCP rules")
            try #require(rules.allSatisfy { ["scram-sha-256", "md5", "password"].contains($0.1) },
                         "every TCP login needs a password: \(rules)")

            let url = services.databaseURL
            let password = try #require(url.password)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passfile-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let passfile = directory.appendingPathComponent("pgpass")
            try #require(FileManager.default.createFile(atPath: passfile.path, contents: nil,
                                                        attributes: [.posixPermissions: 0o600]))
            try "\(url.host):\(url.port):\(url.database):\(url.username):\(password)\n".write(to: passfile, atomically: false, encoding: .utf8)
            let mode = try FileManager.default.attributesOfItem(atPath: passfile.path)[.posixPermissions] as? Int
            try #require(mode == 0o600, "libpq ignores a passfile that others may read")

            let withoutPassword = "postgres://\(url.username)@\(url.host):\(url.port)/\(url.database)?sslmode=disable"
            // Without the passfile: refused. PGPASSFILE names a file that does not exist, so a
            // ~/.pgpass of this machine cannot supply the password either.
            let refusedConnection = try await seededConnection(services)
            let refused = try await ExporterCommand.run(syncArguments(refusedConnection), environment: environment(
                withoutPassword, extra: ["PGPASSFILE": directory.appendingPathComponent("absent").path]))
            #expect(refused.status == 78, "a refused login is a configuration error: \(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("DATABASE_URL"), "\(refused.stderr)")
            #expect(refused.stderr.lowercased().contains("password"), "the message says a password is missing: \(refused.stderr)")
            #expect(try await services.runs(connection: refusedConnection.id).isEmpty, "nothing ran")

            try await expectSyncWorks(services, databaseURL: withoutPassword + "&passfile=\(passfile.path)")
        }
    }

    @Test(arguments: ["read-write", "any"])
    func targetSessionAttrsIsAccepted(value: String) async throws {
        try await TestServices.with { services in
            try await expectSyncWorks(services, databaseURL: services.databaseURLString + "&target_session_attrs=\(value)")
        }
    }

    /// During an export (held in flight by a lock on feature_usage), the exporter's session that
    /// waits on the lock shows `flexprice-exporter` in `pg_stat_activity`, or the URL's own
    /// `application_name` when it sets one.
    @Test(arguments: [nil, "my-exporter"] as [String?])
    func theApplicationNameIsVisibleInPgStatActivity(applicationName: String?) async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let connection = try await seededConnection(services)
            let databaseURL = services.databaseURLString + (applicationName.map { "&application_name=\($0)" } ?? "")
            let lock = try await TableLock.take("feature_usage", services: services)
            let sync = try ExporterProcess(syncArguments(connection), environment: environment(databaseURL))

            let waiter = try await lock.firstWaiter(services, whileRunning: sync.process)
            #expect(waiter?.applicationName == (applicationName ?? "flexprice-exporter"),
                    "\(waiter.map(String.init(describing:)) ?? "no exporter query waited on the lock")\n\(sync.log)")

            #expect(try await lock.release() == 0, "\(lock.log)")
            #expect(await sync.waitForExit(timeout: .seconds(120)) == 0, "\(sync.log)")
            #expect(try await services.runs(connection: connection.id).map(\.status) == ["succeeded"], "\(sync.log)")
        }
    }

    // MARK: refused logins and URLs libpq cannot parse

    /// A wrong password, in either form: 78, a message naming DATABASE_URL and the refusal, and
    /// no password in the output. The right password is `exporter`, the user's name too, so it is
    /// searched for in the shapes an echoed URL would give it.
    @Test(arguments: [false, true])
    func aWrongPasswordExits78WithAClearMessageAndNoPassword(keywordForm: Bool) async throws {
        try await TestServices.with { services in
            let url = services.databaseURL
            let right = try #require(url.password)
            let wrong = keywordForm
                ? "host=\(url.host) port=\(url.port) user=\(url.username) password=\(Self.wrongPassword) dbname=\(url.database) sslmode=disable"
                : "postgres://\(url.username):\(Self.wrongPassword)@\(url.host):\(url.port)/\(url.database)?sslmode=disable"
            for command in [["check"], ["sync"]] {
                let result = try await ExporterCommand.run(command, environment: environment(wrong))
                let output = result.stdout + result.stderr
                #expect(result.status == 78, "\(command): \(output)")
                #expect(result.stderr.contains("DATABASE_URL"), "\(command): \(result.stderr)")
                #expect(result.stderr.contains("password authentication failed"), "\(command): \(result.stderr)")
                #expect(!output.contains(Self.wrongPassword), "\(command): the wrong password is printed: \(output)")
                for echoed in [":\(right)@", "password=\(right)", "password='\(right)'"] {
                    #expect(!output.contains(echoed), "\(command): the right password is printed: \(output)")
                }
            }
        }
    }

    @Test func anUnknownDatabaseExits78() async throws {
        try await TestServices.with { services in
            let url = services.databaseURL
            let password = try #require(url.password)
            let database = "no_such_database_\(UUID().uuidString.prefix(8).lowercased())"
            let result = try await ExporterCommand.run(["check"], environment: environment(
                "postgres://\(url.username):\(password)@\(url.host):\(url.port)/\(database)?sslmode=disable"))
            #expect(result.status == 78, "\(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("DATABASE_URL"), "\(result.stderr)")
            #expect(result.stderr.contains("database \"\(database)\" does not exist"), "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains(":\(password)@"))
        }
    }

    /// URLs libpq refuses before it connects (libpq's own message for each in the comment): 78,
    /// naming DATABASE_URL, the password never echoed.
    @Test(arguments: [
        "host=127.0.0.1 password=\(DatabaseURLTests.wrongPassword) port=notanumber", // invalid integer value "notanumber" for connection option "port"
        "host=127.0.0.1 password=\(DatabaseURLTests.wrongPassword) port", // missing "=" after "port" in connection info string
        "host=127.0.0.1 password='\(DatabaseURLTests.wrongPassword)", // unterminated quoted string in connection info string
        "host=127.0.0.1 password=\(DatabaseURLTests.wrongPassword) no_such_option=1", // invalid connection option "no_such_option"
        "postgres://exporter:\(DatabaseURLTests.wrongPassword)@127.0.0.1/flexprice?no_such_option=1", // invalid URI query parameter: "no_such_option"
        // Schemes libpq does not read as a URI: it parses keyword=value, `missing "=" after "..."`
        // quoting the whole string, the password included.
        "postgress://exporter:\(DatabaseURLTests.wrongPassword)@127.0.0.1/flexprice",
        "pg://exporter:\(DatabaseURLTests.wrongPassword)@127.0.0.1/flexprice",
        "mysql://exporter:\(DatabaseURLTests.wrongPassword)@127.0.0.1/flexprice",
        "postgresql+psycopg2://exporter:\(DatabaseURLTests.wrongPassword)@127.0.0.1/flexprice",
        "postgres://exporter:\(DatabaseURLTests.wrongPassword)@127.0.0.1/flexprice?foo=bar",
    ])
    func aURLLibpqCannotParseExits78WithoutEchoingThePassword(databaseURL: String) async throws {
        // `run` too: such a URL never heals, so the daemon stops at once (exit 78, which the
        // unit's RestartPreventExitStatus relies on) instead of waiting for the database forever.
        for command in [["check"], ["sync"], ["status"], ["run"]] {
            let result = try await ExporterCommand.run(command, environment: environment(databaseURL))
            let output = result.stdout + result.stderr
            #expect(result.status == 78, "\(command): \(output)")
            #expect(result.stderr.contains("DATABASE_URL"), "\(command): \(result.stderr)")
            #expect(!output.contains(Self.wrongPassword), "\(command): the password is printed: \(output)")
        }
    }
}
