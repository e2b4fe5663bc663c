import CSV
import ExporterCore
import ExporterEngine
import Foundation
import NIOCore
import ExporterDatabase
import Testing

/// The whole pipeline against real PostgreSQL and moto: rows in FlexPrice's tables become an
/// object in S3 whose every field equals the database, plus a matching export_runs row.
@Suite(TestServices.needsServices())
struct ExportEndToEndTests {
    static let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200) // 2026-11-20 .. 21

    /// Tricky rows for one tenant and environment, plus rows that must not be exported.
    func seedUsage(_ services: Services, tenant: String, environment: String) async throws {
        try await services.execute("""
            INSERT INTO feature_usage (id, tenant_id, environment_id, external_customer_id, customer_id, subscription_id,
                sub_line_item_id, price_id, meter_id, feature_id, period_id, event_name, source, "timestamp", ingested_at,
                qty_total, properties, unique_hash) VALUES
            (\(tenant + "-u1"), \(tenant), \(environment), 'cust "quoted", with comma', 'c1', 's1', 'li1', 'p1', 'm1', 'f1',
             1795132800000, 'api_call', 'line1' || chr(10) || 'line2' || chr(13) || chr(10) || 'line3',
             '2026-11-20T00:00:00Z', '2026-11-20T00:00:01.5Z', 123456789012345678901234567890,
             '{"region": "eu", "nested": {"a": [1, 2, {"b": null}]}, "quote": "say \\"hi\\""}', 'h1'),
            (\(tenant + "-u2"), \(tenant), \(environment), 'Zürich ☕ 東京', NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, '', NULL, '2026-11-20T13:45:10.123456Z', NULL, 0.000000000000000000000000000001, NULL, NULL),
            (\(tenant + "-u3"), \(tenant), \(environment), 'last', 'c3', 's3', NULL, NULL, NULL, NULL,
             -5, 'api_call', 'sdk', '2026-11-20T23:59:59.999999Z', '2026-11-21T00:00:00Z', -42.50, '[]', 'h3'),
            (\(tenant + "-next-day"), \(tenant), \(environment), 'x', NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, 'api_call', NULL, '2026-11-21T00:00:00Z', NULL, 1, NULL, NULL),
            (\(tenant + "-other-env"), \(tenant), \(environment + "-other"), 'x', NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, 'api_call', NULL, '2026-11-20T10:00:00Z', NULL, 1, NULL, NULL),
            (\(tenant + "-other-tenant"), \(tenant + "-other"), \(environment), 'x', NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, 'api_call', NULL, '2026-11-20T10:00:00Z', NULL, 1, NULL, NULL)
            """)
    }

    @Test(arguments: [ExportFormat.csv, .json, .ndjson])
    func exportedObjectEqualsTheDatabase(format: ExportFormat) async throws {
        try await TestServices.with { services in
            let environment = "env_live"
            let c = try await services.newConnection(
                environment: environment, syncConfig: { Services.syncConfig(bucket: $0, format: format) },
                seed: { try await seedUsage(services, tenant: $0, environment: environment) })
            let (tenant, bucket, connection) = (c.tenant, c.bucket, c.id)

            let reports = try await services.engine().exportWindow(Self.window, connectionID: connection, entities: [.featureUsage])
            #expect(reports.count == 1)
            #expect(reports.filter(\.failed).isEmpty, "\(reports)")

            let key = "exports/test/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z.\(format.rawValue).gz"
            let object = try await services.fetch(bucket: bucket, key: key, gzip: true)
            #expect(object.headers["content-type"] == format.contentType)
            #expect(object.headers["content-encoding"] == "gzip")
            #expect(object.headers["x-amz-server-side-encryption"] == "AES256")

            let expected = try await services.expectedRows(.featureUsage, tenant: tenant, environment: environment, window: Self.window)
            #expect(expected.count == 3)
            let columns = EntityType.featureUsage.columns
            let actual = try expectFile(object.text, format: format, entity: .featureUsage, toEqual: expected)
            // The 30-digit numeric arrives digit for digit, and only this tenant's rows in this window.
            #expect(actual.first?["qty_total"] == "123456789012345678901234567890")
            #expect(actual.map { $0["id"] ?? nil } == ["-u1", "-u2", "-u3"].map { tenant + $0 })

            // The run history matches the object.
            let runs = try await services.runs(connection: connection)
            let run = try #require(runs.first)
            #expect(runs.count == 1)
            #expect(run.status == "succeeded")
            #expect(run.trigger == "manual")
            #expect(run.rowCount == 3)
            #expect(run.bytesUploaded == Int64(object.raw.readableBytes))
            #expect(run.bytesRaw == Int64(object.text.utf8.count))
            #expect(run.objectCount == 1)
            #expect(run.sha256 == sha256Hex(object.raw))
            #expect(run.manifestKey == "exports/test/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z_manifest.json")
            #expect(run.objectURL?.hasSuffix("/\(bucket)/\(key)") == true)
            #expect(run.errorCode == nil)

            // The manifest lists the object with the same figures.
            let manifestObject = try await services.fetch(bucket: bucket, key: try #require(run.manifestKey), gzip: false)
            let manifest = try #require(try JSONSerialization.jsonObject(with: Data(manifestObject.text.utf8)) as? [String: Any])
            #expect(manifest["row_count"] as? Int == 3)
            #expect(manifest["format"] as? String == format.rawValue)
            #expect(manifest["columns"] as? [String] == columns)
            let objects = try #require(manifest["objects"] as? [[String: Any]])
            #expect(objects.count == 1)
            #expect(objects.first?["key"] as? String == key)
            #expect(objects.first?["sha256"] as? String == run.sha256)
            #expect(objects.first?["bytes"] as? Int == object.raw.readableBytes)
        }
    }

    @Test func anEmptyWindowWritesAHeaderOnlyFileAndSucceeds() async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection()
            let (bucket, connection) = (c.bucket, c.id)
            let reports = try await services.engine().exportWindow(Self.window, connectionID: connection, entities: nil)
            #expect(reports.count == 1)
            let key = "exports/test/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z.csv.gz"
            let object = try await services.fetch(bucket: bucket, key: key, gzip: true)
            #expect(object.text == EntityType.featureUsage.columns.joined(separator: ",") + "\r\n")
            let run = try #require(try await services.runs(connection: connection).first)
            #expect(run.status == "succeeded")
            #expect(run.rowCount == 0)
        }
    }

    @Test func aWrongEncryptionKeyFailsTheRunWithoutPrintingSecrets() async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection(encryptionKey: "the key FlexPrice used")
            let (bucket, connection) = (c.bucket, c.id)
            let reports = try await services.engine(encryptionKey: "a different key")
                .exportWindow(Self.window, connectionID: connection, entities: [.featureUsage])
            #expect(reports.count == 1)
            #expect(reports.filter(\.failed).count == reports.count)
            #expect(reports.first?.connectionLevel == true)
            // The connection cannot start: one problem, no run.
            #expect(try await services.runs(connection: connection).isEmpty)
            let problem = try #require(try await services.problems(connection: connection).first)
            #expect(problem.code == "decryption")
            let message = problem.message
            #expect(message.contains("connection \(connection)"))
            #expect(message.contains("could not be decrypted"))
            #expect(message.contains("aws_access_key_id"))
            for secret in [TestServices.accessKey, TestServices.secretKey, "the key FlexPrice used", "a different key"] {
                #expect(!message.contains(secret))
                #expect(!reports.description.contains(secret))
            }
            #expect(try await services.s3(bucket: bucket).listObjects().isEmpty)
        }
    }

    @Test func theNestedSecretShapeIsReadToo() async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection(
                nested: true, syncConfig: { Services.syncConfig(bucket: $0, compression: .none) },
                seed: { try await seedUsage(services, tenant: $0, environment: "") })
            let (bucket, connection) = (c.bucket, c.id)
            let reports = try await services.engine().exportWindow(Self.window, connectionID: connection, entities: nil)
            #expect(reports.filter(\.failed).isEmpty, "\(reports)")
            let key = "exports/test/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z.csv"
            let object = try await services.fetch(bucket: bucket, key: key, gzip: false)
            #expect(object.headers["content-encoding"] == nil)
            #expect(try parse(object.text, format: .csv, columns: EntityType.featureUsage.columns).count == 3)
        }
    }
}

/// Parses an exported file into column -> text (nil for JSON null), with independent parsers:
/// CSV.swift for CSV, JSONSerialization for JSON and NDJSON.
func parse(_ text: String, format: ExportFormat, columns: [String]) throws -> [[String: String?]] {
    switch format {
    case .csv:
        let reader = try CSVReader(string: text, hasHeaderRow: true)
        #expect(reader.headerRow == columns)
        var rows: [[String: String?]] = []
        while let fields = reader.next() {
            var row: [String: String?] = [:]
            for (column, value) in zip(columns, fields) { row[column] = value }
            rows.append(row)
        }
        return rows
    case .json:
        let array = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        return array.map { jsonRow($0, columns: columns) }
    case .ndjson:
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return jsonRow(object, columns: columns)
        }
    case .parquet:
        Issue.record("Parquet is binary: the Parquet tests read it with pyarrow, DuckDB and fastparquet")
        return []
    }
}

/// JSON values as the text PostgreSQL renders them: strings as is, numbers as digits, objects
/// and arrays as JSON text.
func jsonRow(_ object: [String: Any], columns: [String]) -> [String: String?] {
    #expect(Set(object.keys) == Set(columns))
    var row: [String: String?] = [:]
    for column in columns {
        switch object[column] {
        case nil, is NSNull: row[column] = .some(nil)
        case let s as String: row[column] = s
        case let n as NSNumber: row[column] = n.stringValue
        case let v?:
            row[column] = String(decoding: (try? JSONSerialization.data(withJSONObject: v)) ?? Data(), as: UTF8.self)
        }
    }
    return row
}

