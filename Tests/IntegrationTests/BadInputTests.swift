import ExporterCore
import ExporterEngine
import ExporterScheduler
import Foundation
import ExporterDatabase
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Bad input of every kind fails only its own connection, with an error code from the DESIGN §7
/// vocabulary and a message naming the connection and the field; the other connections of the
/// same pass succeed.
@Suite(TestServices.needsServices())
struct BadInputTests {
    static let bad: [(name: String, syncConfig: @Sendable (String) -> String, code: String, field: String)] = [
        ("not an object", { _ in "[]" }, "config", "sync_config"),
        ("s3 missing", { _ in #"{"other": {}}"# }, "config", "s3"),
        ("empty bucket", { _ in Services.syncConfig(bucket: "") }, "config", "s3.bucket"),
        ("unknown interval", { Services.syncConfig(bucket: $0, extra: #", "interval": "fortnightly""#) }, "config", "s3.interval"),
        ("unknown entity", { Services.syncConfig(bucket: $0).replacingOccurrences(of: #""feature_usage""#, with: #""plans""#) }, "config", "s3.entity_types"),
        ("entity_types not an array", { Services.syncConfig(bucket: $0).replacingOccurrences(of: #"["feature_usage"]"#, with: #""feature_usage""#) }, "config", "s3.entity_types"),
        ("unknown compression", { Services.syncConfig(bucket: $0).replacingOccurrences(of: #""compression": "gzip""#, with: #""compression": "brotli""#) }, "config", "s3.compression"),
        ("negative max_file_size_mb", { Services.syncConfig(bucket: $0, extra: #", "max_file_size_mb": -5"#) }, "config", "s3.max_file_size_mb"),
        ("endpoint not http", { Services.syncConfig(bucket: $0, endpoint: "ftp://127.0.0.1:21") }, "config", "s3.endpoint_url"),
        ("key_prefix with ..", { Services.syncConfig(bucket: $0).replacingOccurrences(of: "exports/test", with: "exports/../etc") }, "config", "s3.key_prefix"),
        ("missing bucket", { _ in Services.syncConfig(bucket: "no-such-bucket-for-bad-input") }, "s3:NoSuchBucket", ""),
    ]

    @Test func aPassExportsTheGoodConnectionAndRecordsEachBadOneWithItsField() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let good = try await services.newConnection()
            var bad: [(id: String, code: String, field: String)] = []
            for entry in Self.bad {
                let connection = try await services.newConnection(syncConfig: entry.syncConfig)
                bad.append((connection.id, entry.code, entry.field))
            }
            // Secrets that cannot be read: another key, a missing field, not base64, truly
            // truncated (valid base64 of 27 bytes, one short of nonce + tag), a flipped tag byte.
            let otherKey = try await services.newConnection(encryptionKey: "another key")
            bad.append((otherKey.id, "decryption", "aws_access_key_id"))
            let sealed = try #require(Data(base64Encoded: SecretBox(encryptionKey: TestServices.encryptionKey).encrypt("AKIA")))
            try #require(sealed.count == 12 + 4 + 16)
            var flipped = sealed
            flipped[flipped.count - 1] ^= 0x01
            let truncated = sealed.prefix(12 + 16 - 1).base64EncodedString()
            try #require(Data(base64Encoded: truncated)?.count == 27, "the truncated value is valid base64")
            let problems = [
                (#"{"aws_secret_access_key": ""}"#, "is missing"),
                (#"{"aws_access_key_id": "!!!", "aws_secret_access_key": "x"}"#, "is not valid base64"),
                (#"{"aws_access_key_id": "\#(truncated)", "aws_secret_access_key": "x"}"#,
                 "is too short to hold a nonce and a tag"),
                (#"{"aws_access_key_id": "\#(flipped.base64EncodedString())", "aws_secret_access_key": "x"}"#,
                 "failed authentication (wrong key, or the value was altered or truncated)"),
            ]
            var exact: [String: String] = [:]
            for (secrets, problem) in problems {
                let connection = try await services.newConnection()
                try await services.execute("UPDATE connections SET encrypted_secret_data = \(secrets)::jsonb WHERE id = \(connection.id)")
                bad.append((connection.id, "decryption", "aws_access_key_id"))
                exact[connection.id] = "connection \(connection.id): the credentials could not be decrypted "
                    + "(encrypted_secret_data.aws_access_key_id \(problem)); check FLEXPRICE_SECRETS_ENCRYPTION_KEY"
            }

            let planner = WindowPlanner(graceSeconds: 0, catchupLimit: 31, tickSeconds: 60)
            let reports = try await services.engine().schedulePass(planner: planner, now: Int64(Date().timeIntervalSince1970),
                                                                   forced: false, maxConcurrency: 4)
            #expect(reports.contains { $0.key.connectionID == good.id && !$0.failed })
            // A second pass: a connection-level problem is not recorded again.
            let again = try await services.engine().schedulePass(planner: planner, now: Int64(Date().timeIntervalSince1970),
                                                                 forced: true, maxConcurrency: 4)
            for (id, code, field) in bad {
                let runs = try await services.runs(connection: id)
                let problems = try await services.problems(connection: id)
                // Unreadable settings and undecryptable credentials are the connection's: one
                // problem row, no run; anything else (a missing bucket) fails its runs.
                let connectionLevel = code == "config" || code == "decryption"
                #expect(again.filter { $0.key.connectionID == id && $0.connectionLevel }.count == (connectionLevel ? 1 : 0),
                        "one report for the connection, not one per entity: \(again.filter { $0.key.connectionID == id })")
                let messages = connectionLevel ? problems.map(\.message) : runs.compactMap(\.errorMessage)
                if connectionLevel {
                    #expect(runs.isEmpty, "\(id): no failed run per entity: \(runs.map(\.entity))")
                    #expect(problems.count == 1, "\(id): one row per distinct problem, two passes: \(problems)")
                    #expect(problems.first?.code == code, "\(id): \(problems)")
                    #expect(problems.first?.resolved == false)
                    if let first = problems.first { #expect(first.lastSeenAt > first.firstSeenAt, "seen again by the second pass") }
                } else {
                    #expect(!runs.isEmpty, "\(id) is recorded, not skipped")
                    #expect(runs.allSatisfy { $0.status == "failed" && $0.errorCode == code }, "\(id): \(runs)")
                    #expect(problems.isEmpty)
                }
                for message in messages {
                    #expect(message.contains("connection \(id)"), "\(message)")
                    #expect(field.isEmpty || message.contains(field), "\(message)")
                    #expect(!message.contains(TestServices.secretKey))
                    if let expected = exact[id] { #expect(message == expected) }
                }
            }
            let goodRuns = try await services.runs(connection: good.id)
            #expect(goodRuns.map(\.status) == ["succeeded", "succeeded"], "the scheduled run and the forced re-export")
            #expect(try await services.problems(connection: good.id).isEmpty)

            // A broken connection the tenant deletes is no longer exported: the next full pass
            // closes its problem (no alert keeps firing for it); a pass of one connection, and the
            // other broken connections, keep theirs.
            let levels = bad.filter { $0.code == "config" || $0.code == "decryption" }
            let deleted = try #require(levels.first), kept = try #require(levels.last)
            try await services.execute("UPDATE connections SET status = 'deleted' WHERE id = \(deleted.id)")
            _ = try await services.engine().schedulePass(planner: planner, now: Int64(Date().timeIntervalSince1970),
                                                         forced: false, maxConcurrency: 4, connectionID: good.id)
            #expect(try await services.problems(connection: deleted.id).map(\.resolved) == [false])
            _ = try await services.engine().schedulePass(planner: planner, now: Int64(Date().timeIntervalSince1970),
                                                         forced: false, maxConcurrency: 4)
            #expect(try await services.problems(connection: deleted.id).map(\.resolved) == [true])
            #expect(try await services.problems(connection: kept.id).map(\.resolved) == [false])
        }
    }

    @Test func anEntityTableMissingAColumnFailsThatEntityOnly() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await services.execute("ALTER TABLE prices DROP COLUMN tier_mode")
            let connection = try await services.newConnection(syncConfig: {
                Services.syncConfig(bucket: $0, entities: [.price, .invoice])
            })
            let reports = try await services.engine().exportWindow(
                ExportWindow(start: 1_795_132_800, end: 1_795_219_200), connectionID: connection.id, entities: nil)
            let runs = try await services.runs(connection: connection.id)
            #expect(reports.count == 2)
            let price = try #require(runs.first { $0.entity == "price" })
            #expect(price.status == "failed")
            #expect(price.errorCode == "database")
            #expect(price.errorMessage?.contains("tier_mode") == true, "\(price.errorMessage ?? "")")
            #expect(price.errorMessage?.contains("entity price") == true)
            #expect(runs.first { $0.entity == "invoice" }?.status == "succeeded")
        }
    }

    @Test func aDatabaseThatIsDownAtStartIsWaitedForWithoutACrash() async throws {
        let socket = try NotifySocket()
        let daemon = try ExporterProcess(["run"], environment: [
            "DATABASE_URL": "postgres://nobody:secret-db-password@127.0.0.1:1/none?sslmode=disable",
            "FLEXPRICE_SECRETS_ENCRYPTION_KEY": "k", "NOTIFY_SOCKET": socket.path,
        ])
        var messages: [String] = []
        #expect(try await eventually(timeout: .seconds(20)) {
            messages += socket.receive()
            return messages.contains { $0.hasPrefix("STATUS=waiting for the database") }
        }, "\(messages)\n\(daemon.log)")
        try await Task.sleep(for: .seconds(2))
        // What it sent while it kept waiting counts too.
        messages += socket.receive()
        #expect(daemon.process.isRunning, "no crash loop: it keeps waiting")
        #expect(!messages.contains { $0.contains("READY=1") })
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(20)) == 0, "\(daemon.log)")
        #expect(!daemon.log.contains("secret-db-password"), "the database password is never logged")
    }
}
