import ExporterClickHouse
import ExporterDatabase
import ExporterCore
import ExporterEngine
import Foundation
import Testing

/// What must never give a succeeded window, and the operator's errors, against the ClickHouse
/// front: a mid-stream exception and a dropped connection fail the run and leave the window
/// absent; cancellation stops the query on the server; a wrong password and a missing table are
/// configuration errors naming the setting or the table; a hostile tenant id stays a parameter;
/// rollover and the empty window. In ``ClickHouseExportTests``' serialized suite, so a fault
/// reaches the query it is meant for.
extension ClickHouseExportTests {
    /// `count` meter_usage rows in the window for `tenant`, each with a property text of about
    /// `propertyBytes` bytes.
    static func seedMany(_ services: Services, tenant: String, environment: String = "", count: Int,
                         propertyBytes: Int = 100) async throws {
        let padding = String(repeating: "p", count: propertyBytes)
        var rows: [[String: Any]] = []
        for i in 0..<count {
            rows.append(["id": String(format: "\(tenant)-%06d", i), "tenant_id": tenant, "environment_id": environment,
                         "external_customer_id": "cust_\(i % 7)", "meter_id": "m1", "event_name": "api_call",
                         "timestamp": ClickHouseQueryText.dateTime(Self.window.start + Int64(i % 86_400)),
                         "ingested_at": "2026-11-21 00:00:00.000", "qty_total": "\(i).125", "unique_hash": "h\(i)",
                         "source": "sdk", "properties": "{\"pad\": \"\(padding)\", \"i\": \(i)}"])
        }
        try await services.insertClickHouse("meter_usage", rows)
    }

    /// The keys left under the window's stem (data objects, manifest).
    static func windowObjects(_ services: Services, _ c: TestConnection) async throws -> [String] {
        try await services.s3(bucket: c.bucket).listObjects()
    }

    @Test(arguments: ["exception", "drop"])
    func aStreamCutShortFailsTheRunAndLeavesTheWindowAbsent(kind: String) async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection(
                syncConfig: { Services.syncConfig(bucket: $0, compression: .none, entities: [.meterUsage]) },
                seed: { try await Self.seedMany(services, tenant: $0, count: 400) })
            _ = try await services.frontControl("POST", "/faults", body: [
                "match": "flexprice-exporter-", "kind": kind, "after_bytes": 20_000, "code": 241,
                "message": "Memory limit (total) exceeded: would use 9.31 GiB",
            ])
            let reports = try await services.clickHouseEngine(batchSize: 100).exportWindow(Self.window, connectionID: c.id, entities: nil)
            try #require(reports.count == 1)
            guard case .failed(let error) = reports[0].result else {
                Issue.record("a \(kind) after 20,000 bytes must fail the run: \(reports[0])")
                return
            }
            // The server closes the connection right after its exception block; AsyncHTTPClient fails
            // the body at the close and drops what it had buffered, so the block itself may not reach
            // the reader: the run fails either way, naming the exception when it arrived.
            #expect(error.code == "database")
            #expect(error.message.contains("after sending part of its rows") || error.message.contains("is incomplete"),
                    "\(error.message)")
            if error.message.contains("after sending part of its rows") {
                #expect(error.message.contains("Code: 241"), "the server's own exception: \(error.message)")
            }
            #expect(try await Self.windowObjects(services, c).isEmpty, "no object of a failed window stays")
            let runs = try await services.runs(connection: c.id)
            #expect(runs.map(\.status) == ["failed"])
            let runID = try #require(reports[0].runID)
            let logged = try await services.frontQueries("flexprice-exporter-\(runID)")
            #expect(logged.first?["fault"] as? String == kind || logged.first?["state"] as? String != "finished",
                    "the front applied the fault to this run's query: \(logged)")
        }
    }

    @Test func cancellationStopsTheQueryOnTheServer() async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection(
                syncConfig: { Services.syncConfig(bucket: $0, compression: .none, entities: [.meterUsage]) },
                seed: { try await Self.seedMany(services, tenant: $0, count: 400) })
            _ = try await services.frontControl("POST", "/faults", body: ["match": "flexprice-exporter-", "kind": "stall", "after_bytes": 10_000])
            let engine = try services.clickHouseEngine(batchSize: 50)
            let export = Task { try await engine.exportWindow(Self.window, connectionID: c.id, entities: nil) }
            // Wait (bounded) until the run's query is stalled on the server.
            var stalled: [String: Any]?
            for _ in 0..<400 where stalled == nil {
                stalled = try await services.frontQueries("flexprice-exporter-").last {
                    $0["state"] as? String == "running" && ($0["bytes_sent"] as? Int ?? 0) >= 10_000
                        && ($0["params"] as? [String: String])?["tenant_id"] == c.tenant
                }
                if stalled == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let queryID = try #require(stalled?["query_id"] as? String, "the export's query never stalled on the server")
            export.cancel()
            let reports = try await export.value
            #expect(reports.allSatisfy { $0.failed })
            var state: String?
            for _ in 0..<200 {
                state = try await services.frontQueries(queryID).first?["state"] as? String
                if state != "running" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(state == "cancelled", "the server stopped the query when the exporter closed the request")
            #expect(try await Self.windowObjects(services, c).isEmpty)
        }
    }

    @Test func aHostileTenantIDIsBoundAsAParameter() async throws {
        try await TestServices.with { services in
            let tenant = "t');DROP TABLE meter_usage--\\{x:String}\t" + UUID().uuidString.prefix(6)
            let bucket = uniqueName("bucket")
            let id = uniqueName("conn")
            try await services.createBucket(bucket)
            try await Self.seedMany(services, tenant: tenant, count: 3)
            try await services.insertConnection(id: id, tenant: tenant, environment: "",
                                                syncConfig: Services.syncConfig(bucket: bucket, entities: [.meterUsage]))
            let reports = try await services.clickHouseEngine().exportWindow(Self.window, connectionID: id, entities: nil)
            guard case .succeeded(let outcome) = reports.first?.result else {
                Issue.record("\(reports)")
                return
            }
            #expect(outcome.rowCount == 3, "the tenant's own rows, found through the bound value")
            let runID = try #require(reports.first?.runID)
            let logged = try #require(try await services.frontQueries("flexprice-exporter-\(runID)").first)
            let sql = try #require(logged["query"] as? String)
            #expect(!sql.contains("DROP TABLE"), "the value is not in the SQL text")
            #expect(sql.contains("{tenant_id:String}"))
            let params = try #require(logged["params"] as? [String: String])
            #expect(params["tenant_id"]?.contains("DROP TABLE meter_usage--") == true, "\(params)")
            #expect(try await services.clickHouseSQL("EXISTS TABLE meter_usage FORMAT TabSeparated").hasPrefix("1"))
        }
    }

    @Test func aMissingFeatureUsageTableFailsOnceNamingMeterUsage() async throws {
        try await TestServices.with { services in
            let database = "fx_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
            try await services.clickHouseSQL("CREATE DATABASE \(database)")
            let c = try await services.newConnection(syncConfig: { Services.syncConfig(bucket: $0, entities: [.featureUsage]) })
            let reports = try await services.clickHouseEngine(database: String(database))
                .exportWindow(Self.window, connectionID: c.id, entities: nil)
            guard case .failed(let error) = reports.first?.result else {
                Issue.record("\(reports)")
                return
            }
            #expect(error.message.contains("no table \(database).feature_usage"), "\(error.message)")
            #expect(error.message.contains("meter_usage"), "names the table FlexPrice uses today: \(error.message)")
            #expect(try await services.runs(connection: c.id).count == 1)
            #expect(try await Self.windowObjects(services, c).isEmpty)
        }
    }

    @Test func aClickHouseOnlyEntityWithoutClickHouseFailsThatStreamOnly() async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection(syncConfig: { Services.syncConfig(bucket: $0, entities: [.meterUsage, .invoice]) })
            let reports = try await services.engine().exportWindow(Self.window, connectionID: c.id, entities: nil)
            let byEntity = Dictionary(uniqueKeysWithValues: reports.map { ($0.key.entity, $0) })
            guard case .failed(let error) = byEntity[.meterUsage]?.result else {
                Issue.record("\(reports)")
                return
            }
            #expect(error.code == "config")
            #expect(error.message.contains("EXPORTER_CLICKHOUSE_URL"))
            #expect(byEntity[.invoice]?.failed == false, "the invoice stream of the same connection is exported")
        }
    }

    @Test func checkNamesAWrongPasswordAndAMissingTable() async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection()
            let base = ["DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
                        "EXPORTER_LOG_LEVEL": "error"]
            let url = try #require(TestClickHouse.url)
            let good = try await ExporterCommand.run(["check", "--connection", c.id], environment: base.merging(["EXPORTER_CLICKHOUSE_URL": url]) { $1 })
            #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
            #expect(good.stdout.contains("PASS clickhouse"))
            #expect(good.stdout.contains("ok   table flexprice.meter_usage"))
            #expect(!good.stdout.contains(try #require(TestClickHouse.password)), "the password is never printed")

            let wrong = try await ExporterCommand.run(["check", "--connection", c.id], environment: base.merging([
                "EXPORTER_CLICKHOUSE_URL": url, "EXPORTER_CLICKHOUSE_PASSWORD": "wrong-Passw0rd-xyz",
            ]) { $1 })
            #expect(wrong.status == 78, "\(wrong.stdout)\(wrong.stderr)")
            #expect(wrong.stderr.contains("EXPORTER_CLICKHOUSE_PASSWORD"), "\(wrong.stderr)")
            #expect(!(wrong.stdout + wrong.stderr).contains("wrong-Passw0rd-xyz"))
            #expect(!wrong.stderr.contains("HTTP/1.1"), "no stack of HTTP text")

            let database = "fx_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
            try await services.clickHouseSQL("CREATE DATABASE \(database)")
            var elsewhere = try TestClickHouse.settingsURL(database: String(database))
            elsewhere.password = ""
            let missing = try await ExporterCommand.run(["check", "--connection", c.id], environment: base.merging([
                "EXPORTER_CLICKHOUSE_URL": "http://default@\(elsewhere.authority)/\(database)",
                "EXPORTER_CLICKHOUSE_PASSWORD": try #require(TestClickHouse.password),
            ]) { $1 })
            #expect(missing.status == 78, "\(missing.stdout)\(missing.stderr)")
            #expect(missing.stderr.contains("no table \(database).meter_usage"), "\(missing.stderr)")
        }
    }

    @Test func rolloverAndAnEmptyWindow() async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection(
                syncConfig: { Services.syncConfig(bucket: $0, entities: [.meterUsage], extra: #", "max_file_size_mb": 1"#) },
                seed: { try await Self.seedMany(services, tenant: $0, count: 6_000, propertyBytes: 300) })
            let engine = try services.clickHouseEngine()
            let reports = try await engine.exportWindow(Self.window, connectionID: c.id, entities: nil)
            guard case .succeeded(let outcome) = reports.first?.result else {
                Issue.record("\(reports)")
                return
            }
            #expect(outcome.rowCount == 6_000)
            #expect(outcome.objectCount >= 2, "rolled over at 1 MiB")
            let manifest = try await services.manifest(bucket: c.bucket, key: outcome.manifestKey)
            let objects = try #require(manifest["objects"] as? [[String: Any]])
            #expect(objects.count == outcome.objectCount)
            var ids: [String] = []
            for object in objects {
                let key = try #require(object["key"] as? String)
                let text = try await services.fetch(bucket: c.bucket, key: key, gzip: true).text
                let rows = try parse(text, format: .csv, columns: DesignEntityTable.of(.meterUsage).columns)
                #expect(text.utf8.count <= 1024 * 1024)
                #expect(object["rows"] as? Int == rows.count)
                ids += rows.compactMap { $0["id"] ?? nil }
            }
            let expectedIDs = try await services.clickHouseSQL(
                "SELECT id FROM meter_usage FINAL WHERE tenant_id = {t:String} ORDER BY timestamp, id FORMAT TabSeparated",
                [.init("t", c.tenant)]).split(separator: "\n").map(String.init)
            #expect(ids == expectedIDs, "every row once, in (timestamp, id) order, across the parts")

            let empty = try await services.newConnection(syncConfig: { Services.syncConfig(bucket: $0, entities: [.meterUsage]) })
            let emptyReports = try await engine.exportWindow(Self.window, connectionID: empty.id, entities: nil)
            guard case .succeeded(let none) = emptyReports.first?.result else {
                Issue.record("\(emptyReports)")
                return
            }
            #expect(none.rowCount == 0)
            let header = try await services.fetch(bucket: empty.bucket, key: none.objectKey, gzip: true).text
            #expect(header == DesignEntityTable.of(.meterUsage).columns.joined(separator: ",") + "\r\n")
        }
    }
}

/// ClickHouse's DateTime text of a Unix time, for seeds.
enum ClickHouseQueryText {
    static func dateTime(_ seconds: Int64) -> String {
        let date = CivilDate(daysSinceEpoch: seconds / 86_400)
        let s = seconds % 86_400
        return String(format: "%@ %02d:%02d:%02d", date.isoDate, Int(s / 3600), Int(s / 60 % 60), Int(s % 60))
    }
}

extension ClickHouseExportTests {
    /// `schema` of a usage entity types its table from ClickHouse's declarations, as the Parquet
    /// files of the same table are typed.
    @Test func schemaTypesAUsageTableFromClickHouse() async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection(syncConfig: {
                Services.syncConfig(bucket: $0, format: .parquet, compression: .zstd, entities: [.meterUsage, .featureUsage])
            })
            let environment = ["DATABASE_URL": services.databaseURLString, "EXPORTER_CLICKHOUSE_URL": try #require(TestClickHouse.url)]
            let meter = try await ExporterCommand.run(["schema", "--connection", c.id, "--entity", "meter_usage", "--engine", "athena"],
                                                      environment: environment)
            #expect(meter.status == 0, "\(meter.stderr)")
            #expect(meter.stdout.contains("`qty_total` decimal(18,8)"), "\(meter.stdout)")
            #expect(meter.stdout.contains("`timestamp` timestamp"))
            #expect(meter.stdout.contains("`ingested_at` timestamp"))
            let feature = try await ExporterCommand.run(["schema", "--connection", c.id, "--entity", "feature_usage", "--engine", "athena"],
                                                        environment: environment)
            #expect(feature.status == 0, "\(feature.stderr)")
            #expect(feature.stdout.contains("`qty_total` decimal(25,15)"), "\(feature.stdout)")
            #expect(feature.stdout.contains("`period_id` decimal(20,0)"))
            let without = try await ExporterCommand.run(["schema", "--connection", c.id, "--entity", "meter_usage", "--engine", "athena"],
                                                        environment: ["DATABASE_URL": services.databaseURLString])
            #expect(without.status == 78)
            #expect(without.stderr.contains("EXPORTER_CLICKHOUSE_URL"))
        }
    }
}

extension ClickHouseExportTests {
    /// The view `export_stream_status` lists the ClickHouse entities' streams like the others.
    @Test func theStreamStatusViewListsTheUsageEntities() async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection(syncConfig: { Services.syncConfig(bucket: $0, entities: [.meterUsage, .events, .invoice]) })
            var binds = SQLBindings()
            binds.append(c.id)
            let rows = try await services.postgres.query(SQL(unsafeSQL: "SELECT entity_type::text FROM export_stream_status WHERE connection_id = $1 ORDER BY 1",
                                                             binds: binds))
            #expect(try rows.map { try $0.decode(String.self) } == ["events", "invoice", "meter_usage"])
        }
    }
}

extension ClickHouseExportTests {
    /// `sync --dry-run` counts a usage window through the same source: ClickHouse's FINAL count.
    @Test func aDryRunCountsTheWindowInClickHouse() async throws {
        try await TestServices.with { services in
            let environment = "env"
            let c = try await services.newConnection(
                environment: environment, syncConfig: { Services.syncConfig(bucket: $0, entities: [.meterUsage]) },
                seed: { try await Self.seed(services, .meterUsage, tenant: $0, environment: environment) })
            let reports = try await services.clickHouseEngine().previewWindow(Self.window, connectionID: c.id, entities: nil)
            guard case .planned(_, _, let rows) = reports.first?.result else {
                Issue.record("\(reports)")
                return
            }
            #expect(rows == 3, "the older duplicate collapsed by FINAL, the rows outside the scope not counted")
            #expect(try await Self.windowObjects(services, c).isEmpty)
        }
    }
}
