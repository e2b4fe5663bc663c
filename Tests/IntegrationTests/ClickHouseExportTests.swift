import ExporterClickHouse
import ExporterCore
import ExporterEngine
import Foundation
import NIOCore
import TestSupport
import Testing

/// Usage exported from ClickHouse (chDB 26.9 behind the tests' HTTP front): every cell of each
/// usage entity, in every format, equal to ClickHouse's own answer for the window; failures
/// that must never leave a succeeded window; cancellation reaching the server; configuration
/// errors; parameters never spliced; rollover and the empty window.
///
/// Serialized: the front's faults apply to the next query whose id matches `flexprice-exporter-`,
/// so no other export of this suite may run beside the one a fault is meant for (the other
/// suites read PostgreSQL only).
@Suite(TestServices.needsServices("EXPORTER_TEST_CLICKHOUSE_URL", "EXPORTER_TEST_CLICKHOUSE_CONTROL"), .serialized)
struct ClickHouseExportTests {
    static let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200) // 2026-11-20 .. 21

    /// How a column's values compare, from DESIGN §2b's declared types.
    enum Kind { case plain, timestamp, decimal, json }

    static func kinds(_ entity: EntityType) -> [String: Kind] {
        var kinds: [String: Kind] = ["timestamp": .timestamp, "ingested_at": .timestamp, "qty_total": .decimal, "properties": .json]
        if entity == .events { kinds["qty_total"] = nil }
        return kinds
    }

    // MARK: Seeds

    /// Rows in the window (one of them also inserted earlier with an older `ingested_at` or
    /// version, which FINAL must collapse), and rows of another tenant, environment and window.
    static func seed(_ services: Services, _ entity: EntityType, tenant t: String, environment e: String) async throws {
        let inside: [[String: Any]]
        let outside: [[String: Any]]
        var older: [[String: Any]] = []
        switch entity {
        case .meterUsage:
            func row(_ id: String, _ tenant: String, _ env: String, _ at: String, _ qty: String, _ more: [String: Any] = [:]) -> [String: Any] {
                ["id": id, "tenant_id": tenant, "environment_id": env, "external_customer_id": "cust_1", "meter_id": "m1",
                 "event_name": "api_call", "timestamp": at, "ingested_at": "2026-11-21 00:00:00.500", "qty_total": qty,
                 "unique_hash": "h-\(id)", "source": "sdk", "properties": #"{"a": {"b": [1, "x, y"]}, "n": 1.5e3}"#]
                    .merging(more) { $1 }
            }
            older = [row("\(t)-1", t, e, "2026-11-20 00:00:00", "999", ["ingested_at": "2026-11-20 00:00:01.001"])]
            inside = [
                row("\(t)-1", t, e, "2026-11-20 00:00:00", "1.5", ["ingested_at": "2026-11-20 00:00:02.456"]),
                row("\(t)-2", t, e, "2026-11-20 23:59:59", "9999999999.99999999", [
                    "external_customer_id": "Zürich ☕ \"GmbH\", AG", "event_name": "say \"hi\"\nline 2, ok",
                    "properties": "not json {", "unique_hash": "", "source": "",
                ]),
                row("\(t)-3", t, e, "2026-11-20 12:00:00", "-0.00000001", ["properties": "", "meter_id": "東京 🚀"]),
            ]
            outside = [
                row("\(t)-before", t, e, "2026-11-19 23:59:59", "1"), row("\(t)-end", t, e, "2026-11-21 00:00:00", "1"),
                row("\(t)-other-tenant", t + "x", e, "2026-11-20 12:00:00", "1"), row("\(t)-other-env", t, e + "x", "2026-11-20 12:00:00", "1"),
            ]
        case .events:
            func row(_ id: String, _ tenant: String, _ env: String, _ at: String, _ more: [String: Any] = [:]) -> [String: Any] {
                ["id": id, "tenant_id": tenant, "environment_id": env, "external_customer_id": "cust_1", "customer_id": "c1",
                 "event_name": "api_call", "source": "sdk", "timestamp": at, "ingested_at": "2026-11-21 00:00:00.500",
                 "properties": #"{"k": "ü", "list": [true, null]}"#].merging(more) { $1 }
            }
            older = [row("\(t)-1", t, e, "2026-11-20 10:30:00.123", ["ingested_at": "2026-11-20 10:30:00.200", "event_name": "stale"])]
            inside = [
                row("\(t)-1", t, e, "2026-11-20 10:30:00.123", ["ingested_at": "2026-11-20 10:30:01.999"]),
                row("\(t)-2", t, e, "2026-11-20 00:00:00.000", [
                    "external_customer_id": NSNull(), "customer_id": NSNull(), "event_name": NSNull(), "source": NSNull(),
                    "properties": NSNull(),
                ]),
                row("\(t)-3", t, e, "2026-11-20 23:59:59.999", ["properties": "[1, 2", "event_name": "tab\there \"q\""]),
            ]
            outside = [
                row("\(t)-before", t, e, "2026-11-19 23:59:59.999"), row("\(t)-end", t, e, "2026-11-21 00:00:00.000"),
                row("\(t)-other-tenant", t + "x", e, "2026-11-20 12:00:00"), row("\(t)-other-env", t, e + "x", "2026-11-20 12:00:00"),
            ]
        case .featureUsage:
            func row(_ id: String, _ tenant: String, _ env: String, _ at: String, _ qty: String, _ more: [String: Any] = [:]) -> [String: Any] {
                ["id": id, "tenant_id": tenant, "environment_id": env, "external_customer_id": "ext_1", "customer_id": "c1",
                 "subscription_id": "s1", "sub_line_item_id": "li1", "price_id": "p1", "meter_id": "m1", "feature_id": "f1",
                 "period_id": 42, "event_name": "api_call", "source": "sdk", "timestamp": at, "ingested_at": "2026-11-21 00:00:00.500",
                 "qty_total": qty, "properties": #"{"region": "eu"}"#, "unique_hash": "u-\(id)", "version": 2]
                    .merging(more) { $1 }
            }
            older = [row("\(t)-1", t, e, "2026-11-20 10:30:00.123", "5", ["version": 1])]
            inside = [
                row("\(t)-1", t, e, "2026-11-20 10:30:00.123", "123456789.123456789012345"),
                row("\(t)-2", t, e, "2026-11-20 00:00:00.000", "9999999999.999999999999999", [
                    "period_id": NSNumber(value: UInt64.max), "meter_id": NSNull(), "source": NSNull(), "unique_hash": NSNull(),
                    "properties": "",
                ]),
                row("\(t)-3", t, e, "2026-11-20 23:59:59.999", "-0.000000000000001", ["period_id": 0, "properties": "{\"bad\": }"]),
            ]
            outside = [
                row("\(t)-before", t, e, "2026-11-19 23:59:59.999", "1"), row("\(t)-end", t, e, "2026-11-21 00:00:00.000", "1"),
                row("\(t)-other-tenant", t + "x", e, "2026-11-20 12:00:00", "1"), row("\(t)-other-env", t, e + "x", "2026-11-20 12:00:00", "1"),
            ]
        default:
            throw NotInClickHouse(entity: entity)
        }
        // Separate inserts make separate parts: only FINAL collapses the older row.
        if !older.isEmpty { try await services.insertClickHouse(entity.rawValue, older) }
        try await services.insertClickHouse(entity.rawValue, inside + outside)
    }

    struct NotInClickHouse: Error { let entity: EntityType }

    /// ClickHouse's own answer for the window, every value as text: decimals with all their
    /// digits, 64-bit integers quoted, instants in ISO form. Written here, not by the exporter.
    static func clickHouseAnswer(_ services: Services, _ entity: EntityType, tenant: String, environment: String) async throws -> [[String: Any]] {
        let design = DesignEntityTable.of(entity)
        let columns = design.columns.map { "`\($0)`" }.joined(separator: ", ")
        let text = try await services.clickHouseSQL("""
            SELECT \(columns) FROM \(design.table) FINAL WHERE tenant_id = {t:String} AND environment_id = {e:String}
            AND timestamp >= toDateTime('2026-11-20 00:00:00', 'UTC') AND timestamp < toDateTime('2026-11-21 00:00:00', 'UTC')
            ORDER BY timestamp, id
            SETTINGS output_format_decimal_trailing_zeros = 1, output_format_json_quote_decimals = 1,
                     output_format_json_quote_64bit_integers = 1, date_time_output_format = 'iso'
            FORMAT JSONEachRow
            """, [.init("t", tenant), .init("e", environment)])
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// Compares an exported row's text (`nil` is NULL) with ClickHouse's value for one column.
    static func expectCell(_ got: String?, _ want: Any?, kind: Kind, column: String, format: ExportFormat,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        guard let want, !(want is NSNull) else {
            #expect(got == nil || (format == .csv && got == ""), "\(column) is NULL, got \(got ?? "nil")", sourceLocation: sourceLocation)
            return
        }
        let text = (want as? String) ?? "\(want)"
        switch kind {
        case .timestamp:
            #expect(got.flatMap(Timestamp.parseMicros) == Timestamp.parseMicros(text), "\(column): \(got ?? "nil") vs \(text)",
                    sourceLocation: sourceLocation)
        case .json where (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil:
            #expect(got.map { sameJSON($0, text) } == true, "\(column): \(got ?? "nil") vs \(text)", sourceLocation: sourceLocation)
        default:
            #expect(got == text, "\(column)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Every cell

    @Test(arguments: [EntityType.meterUsage, .events, .featureUsage], [ExportFormat.csv, .json, .ndjson, .parquet])
    func everyCellEqualsClickHousesAnswer(entity: EntityType, format: ExportFormat) async throws {
        try await TestServices.with { services in
            let environment = "env"
            let compression: CompressionSetting = format == .parquet ? .zstd : .gzip
            let c = try await services.newConnection(
                environment: environment,
                syncConfig: { Services.syncConfig(bucket: $0, format: format, compression: compression, entities: [entity]) },
                seed: { try await Self.seed(services, entity, tenant: $0, environment: environment) })
            let reports = try await services.clickHouseEngine().exportWindow(Self.window, connectionID: c.id, entities: nil)
            try #require(reports.count == 1)
            guard case .succeeded(let outcome) = reports[0].result else {
                Issue.record("\(reports[0])")
                return
            }
            let answer = try await Self.clickHouseAnswer(services, entity, tenant: c.tenant, environment: environment)
            #expect(answer.count == 3, "three rows in the window after FINAL")
            #expect(outcome.rowCount == Int64(answer.count))
            let columns = DesignEntityTable.of(entity).columns
            let kinds = Self.kinds(entity)
            let exported: [[String: String?]]
            if format == .parquet {
                exported = try await Self.parquetRows(services, bucket: c.bucket, key: outcome.objectKey, entity: entity)
            } else {
                let object = try await services.fetch(bucket: c.bucket, key: outcome.objectKey, gzip: true)
                exported = try parse(object.text, format: format, columns: columns)
                if format != .csv {
                    // Decimals stay JSON strings; properties is JSON where it is JSON, else a string.
                    let jsonKinds = try jsonKinds(object.text, format: format)
                    for row in jsonKinds where entity != .events {
                        #expect(row["qty_total"] == JSONValue.string("").kind)
                    }
                    for (row, want) in zip(jsonKinds, answer) {
                        let properties = want["properties"] as? String
                        let isJSON = properties.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil } ?? false
                        #expect(row["properties"] == (properties == nil ? "null" : (isJSON ? "JSON" : JSONValue.string("").kind)))
                    }
                }
            }
            try #require(exported.count == answer.count)
            for (got, want) in zip(exported, answer) {
                for column in columns {
                    Self.expectCell(got[column] ?? nil, want[column], kind: kinds[column] ?? .plain, column: column, format: format)
                }
            }
        }
    }

    /// Usage from ClickHouse as a Delta table: the window's commit, read by delta-rs, DuckDB and
    /// Polars, holds exactly ClickHouse's answer (after FINAL); exported again, the window is
    /// replaced in one commit and still read once.
    @Test func aDeltaTableOfMeterUsageHoldsClickHousesAnswer() async throws {
        try await TestServices.with { services in
            let environment = "env"
            let c = try await services.newConnection(
                environment: environment,
                syncConfig: { Services.syncConfig(bucket: $0, format: .parquet, compression: .zstd, entities: [.meterUsage],
                                                  extra: #", "table_format": "delta""#) },
                seed: { try await Self.seed(services, .meterUsage, tenant: $0, environment: environment) })
            let answer = try await Self.clickHouseAnswer(services, .meterUsage, tenant: c.tenant, environment: environment)
            #expect(answer.count == 3)
            let expected = try answer.map { row -> String in
                let id = try #require(row["id"] as? String)
                let micros = try #require((row["timestamp"] as? String).flatMap(Timestamp.parseMicros))
                return "\(id)|\(micros)|\(Self.normalisedDecimal(try #require(row["qty_total"] as? String)))"
            }.sorted()
            let root = "exports/test/meter_usage/"
            for version in 0...1 {
                let reports = try await services.clickHouseEngine().exportWindow(Self.window, connectionID: c.id, entities: nil)
                #expect(reports.count == 1 && !reports[0].failed, "\(reports)")
                try await withScratchDirectory { directory in
                    let table = directory.appendingPathComponent("table")
                    let client = try services.s3(bucket: c.bucket)
                    for key in try await client.listObjects(prefix: root) {
                        let target = table.appendingPathComponent(String(key.dropFirst(root.count)))
                        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                        try Data(try await client.getObject(key: key).body.readableBytesView).write(to: target)
                    }
                    let read = try DeltaTableTests.read(table, in: directory)
                    #expect((read["deltalake"] as? [String: Any])?["version"] as? Int == version)
                    #expect(((read["deltalake"] as? [String: Any])?["files"] as? [String])?.count == 1)
                    for reader in ["deltalake", "duckdb", "polars"] {
                        #expect(DeltaTableTests.rows(read[reader] as? [String: Any]) == expected, "\(reader), version \(version)")
                    }
                }
            }
        }
    }

    /// A decimal's text without trailing fractional zeros (`1.500` -> `1.5`, `2.000` -> `2`), as
    /// the Delta readback prints it.
    static func normalisedDecimal(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        return trimmed == "-0" ? "0" : String(trimmed)
    }

    /// pyarrow's reading of a Parquet object: its schema types, and every value as text
    /// (instants as RFC 3339 from epoch microseconds, decimals exact).
    static func parquetRows(_ services: Services, bucket: String, key: String, entity: EntityType) async throws -> [[String: String?]] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ch-parquet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let object = try await services.download(bucket: bucket, key: key, into: directory)
        let result = try ReaderPython.run(script: Self.pyarrowRows, named: "clickhouse_rows.py", arguments: [object.path], in: directory)
        let types = try #require(result["types"] as? [String: String])
        #expect(types["timestamp"] == "timestamp[us, tz=UTC]")
        if entity != .events { #expect(types["qty_total"] == (entity == .meterUsage ? "decimal128(18, 8)" : "decimal128(25, 15)")) }
        if entity == .featureUsage { #expect(types["period_id"] == "decimal128(20, 0)") }
        let rows = try #require(result["rows"] as? [[String: Any]])
        return rows.map { row in
            row.mapValues { value -> String? in
                switch value {
                case is NSNull: nil
                case let micros as NSNumber: Timestamp.rfc3339(micros: micros.int64Value)
                case let text as String: text
                default: "\(value)"
                }
            }
        }
    }

    static let pyarrowRows = #"""
    import json, sys
    import pyarrow as pa, pyarrow.parquet as pq
    table = pq.read_table(sys.argv[1])
    out = {"types": {f.name: str(f.type) for f in table.schema}, "rows": []}
    columns = {}
    for f in table.schema:
        col = table.column(f.name)
        if pa.types.is_timestamp(f.type):
            columns[f.name] = col.cast(pa.int64()).to_pylist()
        elif pa.types.is_decimal(f.type):
            columns[f.name] = [None if v is None else format(v, "f") for v in col.to_pylist()]
        else:
            columns[f.name] = [None if v is None else str(v) for v in col.to_pylist()]
    for i in range(table.num_rows):
        out["rows"].append({name: values[i] for name, values in columns.items()})
    print(json.dumps(out))
    """#
}
