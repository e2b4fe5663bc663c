import AsyncHTTPClient
import ExporterCore
import ExporterEngine
import ExporterSink
import Foundation
import Synchronization
import Testing

/// The endpoint policy end to end (issue 25): through the binary, a name resolving to 127.0.0.1
/// (`localhost`) and an `http://` endpoint, refused by default and accepted with the operator's
/// opt-ins, in `sync`, `check` and `url`; through the engine, that a name is resolved once and
/// the requests go to the address checked. Every address here is loopback: a refused endpoint
/// is refused before any connection, and no test names any other address.
@Suite(TestServices.needsServices())
struct EndpointPolicyTests {
    static let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200) // 2026-11-20 .. 21

    /// moto's port, from EXPORTER_TEST_S3_ENDPOINT (http://127.0.0.1:PORT).
    static var motoPort: Int {
        get throws {
            let endpoint = try #require(TestServices.s3Endpoint)
            return try #require(URLComponents(string: endpoint)?.port)
        }
    }

    func environment(_ services: Services, allowPrivate: String, allowHTTP: String) -> [String: String] {
        ["DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
         "EXPORTER_LOG_LEVEL": "error", "EXPORTER_ALLOW_PRIVATE_ENDPOINTS": allowPrivate, "EXPORTER_ALLOW_HTTP_ENDPOINTS": allowHTTP]
    }

    func lastRun(_ services: Services, _ connection: TestConnection) async throws -> RunRow? {
        try await services.runs(connection: connection.id).last
    }

    /// `localhost` resolves to 127.0.0.1: refused unless EXPORTER_ALLOW_PRIVATE_ENDPOINTS, by
    /// `sync` (the run fails with `config`), `check` and `url`; with the opt-in the export succeeds.
    @Test func aNameResolvingToLoopbackIsRefusedByDefaultAndAcceptedWithTheOptIn() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let port = try Self.motoPort
            let connection = try await services.newConnection(
                syncConfig: { Services.syncConfig(bucket: $0, endpoint: "http://localhost:\(port)") },
                seed: { try await services.seedUsage(tenant: $0, rows: 3, from: Self.window.start, every: 3_600) })
            let refused = "connection \(connection.id): sync_config field s3.endpoint_url \(EndpointRule.loopback.problem)"
            for allowPrivate in ["", "false"] {
                let env = environment(services, allowPrivate: allowPrivate, allowHTTP: "true")
                let sync = try await ExporterCommand.run(["sync", "--connection", connection.id, "--from", "2026-11-20", "--to", "2026-11-21"],
                                                         environment: env)
                #expect(sync.status == 1, "\(sync.stdout)\(sync.stderr)")
                #expect(sync.stdout.contains("failed, config: \(refused)"), "\(sync.stdout)\(sync.stderr)")
                let run = try #require(try await lastRun(services, connection))
                #expect(run.status == "failed")
                #expect(run.errorCode == "config")
                #expect(run.errorMessage == refused)
                let check = try await ExporterCommand.run(["check", "--connection", connection.id], environment: env)
                #expect(check.status == 1)
                #expect(check.stdout.contains("FAIL reach bucket \(connection.bucket): \(refused)"), "\(check.stdout)")
                let url = try await ExporterCommand.run(["url", "--connection", connection.id, "--key", "k.csv"], environment: env)
                #expect(url.status == 78)
                #expect((url.stdout + url.stderr).contains(refused), "\(url.stdout)\(url.stderr)")
                #expect(!url.stdout.contains("X-Amz-Signature"))
            }
            // Nothing reached the bucket.
            #expect(try await services.s3(bucket: connection.bucket).listObjects().isEmpty)

            let env = environment(services, allowPrivate: "true", allowHTTP: "true")
            let sync = try await ExporterCommand.run(["sync", "--connection", connection.id, "--from", "2026-11-20", "--to", "2026-11-21"],
                                                     environment: env)
            #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
            let run = try #require(try await lastRun(services, connection))
            #expect(run.status == "succeeded")
            #expect(run.rowCount == 3)
            #expect(run.objectURL?.hasPrefix("http://localhost:\(port)/\(connection.bucket)/") == true)
            let check = try await ExporterCommand.run(["check", "--connection", connection.id], environment: env)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            let url = try await ExporterCommand.run(["url", "--connection", connection.id, "--key", "k.csv"], environment: env)
            #expect(url.status == 0, "\(url.stderr)")
            #expect(url.stdout.contains("http://localhost:\(port)/\(connection.bucket)/k.csv?"))
        }
    }

    /// `http://` is refused unless EXPORTER_ALLOW_HTTP_ENDPOINTS: known without a lookup, so it is
    /// the connection's problem (recorded once, no run started), in `sync` and `check`.
    @Test func anHTTPEndpointIsRefusedByDefaultAndAcceptedWithTheOptIn() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let connection = try await services.newConnection(
                seed: { try await services.seedUsage(tenant: $0, rows: 2, from: Self.window.start, every: 3_600) })
            let refused = "connection \(connection.id): sync_config field s3.endpoint_url \(EndpointRule.plainHTTP.problem)"
            for allowHTTP in ["", "false"] {
                let env = environment(services, allowPrivate: "true", allowHTTP: allowHTTP)
                let sync = try await ExporterCommand.run(["sync", "--connection", connection.id, "--from", "2026-11-20", "--to", "2026-11-21"],
                                                         environment: env)
                #expect(sync.status == 1, "\(sync.stdout)\(sync.stderr)")
                #expect(sync.stdout.contains("\(connection.id): cannot be exported, config: \(refused)"), "\(sync.stdout)\(sync.stderr)")
                let check = try await ExporterCommand.run(["check", "--connection", connection.id], environment: env)
                #expect(check.status == 1)
                #expect(check.stdout.contains("FAIL endpoint policy: \(refused)"), "\(check.stdout)")
                let url = try await ExporterCommand.run(["url", "--connection", connection.id, "--key", "k.csv"], environment: env)
                #expect(url.status == 78)
                #expect((url.stdout + url.stderr).contains(refused), "\(url.stdout)\(url.stderr)")
            }
            #expect(try await services.runs(connection: connection.id).isEmpty, "no run was started")
            let problem = try await services.postgres.query(
                "SELECT error_code, error_message FROM connection_problems WHERE connection_id = \(connection.id)")
            #expect(try problem.map { try $0.decode((String, String).self) }.map { "\($0.0) \($0.1)" } == ["config \(refused)"])

            let sync = try await ExporterCommand.run(["sync", "--connection", connection.id, "--from", "2026-11-20", "--to", "2026-11-21"],
                                                     environment: environment(services, allowPrivate: "true", allowHTTP: "true"))
            #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
            #expect(try await lastRun(services, connection)?.status == "succeeded")
        }
    }

    /// Answers one name with 127.0.0.1, counting its lookups; never asks DNS.
    final class LoopbackResolver: HostResolver {
        let name: String
        let lookups = Mutex(0)
        init(name: String) { self.name = name }
        func addresses(of host: String, port: Int) async throws -> [IPAddress] {
            lookups.withLock { $0 += 1 }
            guard host == name else { throw HostResolutionError(host: host, reason: "not the test's name") }
            return [.v4(0x7F00_0001)]
        }
    }

    /// The name below resolves nowhere but in the test's resolver; the export reaching moto
    /// proves each request went to the checked address, and the count that the whole run (a
    /// dozen requests) looked the name up once. (A dotless name: moto reads a dotted Host as
    /// a virtual-hosted bucket.)
    @Test func aNameIsResolvedOnceAndRequestsGoToTheCheckedAddress() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let port = try Self.motoPort
            let name = "flexprice-pinned-endpoint-test"
            let connection = try await services.newConnection(
                syncConfig: { Services.syncConfig(bucket: $0, endpoint: "http://\(name):\(port)") },
                seed: { try await services.seedUsage(tenant: $0, rows: 5, from: Self.window.start, every: 3_600) })
            let resolver = LoopbackResolver(name: name)
            let engine = ExportEngine(
                postgres: services.postgres, secretBox: SecretBox(encryptionKey: TestServices.encryptionKey), logger: TestServices.logger,
                makeSink: ExportEngine.s3Sinks(http: services.http, policy: EndpointPolicy(allowPrivate: true, allowHTTP: true),
                                               resolver: resolver, logger: TestServices.logger, maxAttempts: 1, partSize: 5 * 1024 * 1024))
            let reports = try await engine.exportWindow(Self.window, connectionID: connection.id, entities: [.featureUsage])
            #expect(reports.count == 1)
            #expect(reports.allSatisfy { !$0.failed }, "\(reports)")
            #expect(resolver.lookups.withLock { $0 } == 1)
            let run = try #require(try await lastRun(services, connection))
            #expect(run.rowCount == 5)
            #expect(run.objectURL?.hasPrefix("http://\(name):\(port)/") == true)

            // Without the opt-in the same answer is refused, before any request.
            let strict = LoopbackResolver(name: name)
            let refusing = ExportEngine(
                postgres: services.postgres, secretBox: SecretBox(encryptionKey: TestServices.encryptionKey), logger: TestServices.logger,
                makeSink: ExportEngine.s3Sinks(http: services.http, policy: EndpointPolicy(allowHTTP: true), resolver: strict,
                                               logger: TestServices.logger, maxAttempts: 1, partSize: 5 * 1024 * 1024))
            let refused = try await refusing.exportWindow(Self.window, connectionID: connection.id, entities: [.featureUsage])
            guard case .failed(let error) = try #require(refused.first).result else {
                Issue.record("expected a refusal: \(refused)")
                return
            }
            #expect(error == .config(connection: connection.id, field: "s3.endpoint_url", problem: EndpointRule.loopback.problem))
            #expect(strict.lookups.withLock { $0 } == 1)
        }
    }
}
