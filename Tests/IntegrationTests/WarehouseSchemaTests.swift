import ExporterCore
import Foundation
import TestSupport
import Testing

/// `flexprice-exporter schema --engine duckdb` (issue 15), executed by DuckDB against the objects
/// the built binary exported: several daily windows, one of them rolled over into parts, copied
/// from moto into a folder keeping their keys (`--location` points the DDL at it). The view must
/// return every row exactly once, with the types the declared columns give (a numeric(20,6) as
/// DECIMAL, timestamps as UTC instants to the microsecond, jsonb as its JSON), and never read a
/// manifest as rows. Also the usage errors of the command.
@Suite(TestServices.needsServices(), .enabled(if: ReaderPython.shouldRun, "needs the Parquet readers venv (scripts/install-parquet-readers.sh)"))
struct WarehouseSchemaTests {
    func environment(_ services: Services) -> [String: String] {
        ["DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
         "EXPORTER_GRACE_SECONDS": "0", "EXPORTER_LOG_LEVEL": "error"]
    }

    static let script = #"""
    import duckdb, json, sys
    ddl, ids = open(sys.argv[1]).read(), sys.argv[2:]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(ddl)
    count, distinct = con.execute('SELECT count(*), count(DISTINCT id) FROM feature_usage').fetchone()
    rows = {}
    query = ('SELECT id, CAST(qty_total AS VARCHAR), epoch_us("timestamp"), CAST(properties AS VARCHAR), source, event_name, '
             'period_id FROM feature_usage WHERE id IN (' + ', '.join('?' for _ in ids) + ')')
    for i, qty, ts, props, source, event, period in con.execute(query, ids).fetchall():
        rows[i] = {"qty_total": qty, "timestamp_us": ts, "properties": None if props is None else json.loads(props),
                   "source": source, "event_name": event, "period_id": period}
    types = {r[0]: r[1] for r in con.execute('DESCRIBE feature_usage').fetchall()}
    print(json.dumps({"count": count, "distinct": distinct, "rows": rows, "types": types}))
    """#

    /// The CSV case's key prefix holds a glob's special characters: the view's glob still names
    /// exactly its folder.
    @Test(arguments: [(ExportFormat.parquet, CompressionSetting.zstd, "exports/test"), (.csv, .gzip, "exports/v[1] *?"),
                      (.ndjson, .zstd, "exports/test"), (.json, .none, "exports/test")])
    func duckDBReadsEveryExportedRow(_ format: ExportFormat, _ compression: CompressionSetting, _ keyPrefix: String) async throws {
        let python = try #require(ReaderPython.path, "the Parquet readers venv is missing (scripts/install-parquet-readers.sh)")
        try await TestServices.with(freshDatabase: true) { services in
            // A declared precision, so the DDL has a DECIMAL to type (the shipped schema's is unconstrained).
            try await services.execute("ALTER TABLE feature_usage ALTER COLUMN qty_total TYPE numeric(20,6)")
            let endpoint = try #require(TestServices.s3Endpoint)
            let c = try await services.newConnection(
                syncConfig: { Services.s3Config(bucket: $0, endpoint: endpoint, format: format, compression: compression,
                                                keyPrefix: keyPrefix, maxFileSizeMB: 1) },
                seed: { tenant in
                    // Three daily windows (backfill): ~3 MB of text on 2026-11-20 (parts at 1 MB), awkward values on the 21st and 22nd.
                    try await services.seedUsageRows(tenant: tenant, count: 10_000)
                    try await services.execute("""
                        INSERT INTO feature_usage (id, tenant_id, environment_id, event_name, source, "timestamp", qty_total, properties, period_id)
                        VALUES (\(tenant + "-a"), \(tenant), '', 'comma, "quote" and' || E'\\n' || 'a newline', '',
                                '2026-11-21T10:00:00.123456Z', 12.345678, '{"k": "v\\"x", "n": [1, null]}', 7),
                               (\(tenant + "-b"), \(tenant), '', NULL, NULL, '2026-11-22T23:59:59.999999Z', NULL, NULL, NULL)
                        """)
                })
            let backfill = try await ExporterCommand.run(["backfill", "--connection", c.id, "--from", "2026-11-20", "--to", "2026-11-23", "--quiet"],
                                                     environment: environment(services), timeout: .seconds(300))
            #expect(backfill.status == 0, "\(backfill.stderr)")

            try await withScratchDirectory { directory in
                let keys = try await services.copyBucket(c.bucket, to: directory)
                #expect(keys.filter { $0.hasSuffix("_manifest.json") }.count == 3, "\(keys)")
                if format != .parquet { #expect(keys.contains { $0.contains("_part-0002") }, "no rollover: \(keys)") }

                let schema = try await ExporterCommand.run(["schema", "--connection", c.id, "--entity", "feature_usage",
                                                            "--engine", "duckdb", "--location", directory.path],
                                                           environment: environment(services))
                #expect(schema.status == 0, "\(schema.stderr)")
                let ddlFile = directory.appendingPathComponent("view.sql")
                try schema.stdout.write(to: ddlFile, atomically: true, encoding: .utf8)

                let ids = [c.tenant + "-0000001", c.tenant + "-0010000", c.tenant + "-a", c.tenant + "-b"]
                let output = try runPython(python, [ddlFile.path] + ids)
                let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")

                let expectedCount = try await services.postgres.query(
                    "SELECT count(*)::bigint FROM feature_usage WHERE tenant_id = \(c.tenant)").first?.decode(Int64.self)
                #expect(expectedCount == 10_002)
                #expect((result["count"] as? Int).map(Int64.init) == expectedCount, "\(result)")
                #expect((result["distinct"] as? Int).map(Int64.init) == expectedCount)

                let types = try #require(result["types"] as? [String: String])
                #expect(types["qty_total"] == "DECIMAL(20,6)", "\(types)")
                #expect(types["timestamp"] == "TIMESTAMP WITH TIME ZONE", "\(types)")
                #expect(types["period_id"] == "BIGINT", "\(types)")

                let rows = try #require(result["rows"] as? [String: [String: Any]])
                #expect(rows.count == ids.count, "\(rows.keys)")
                let expected = try await services.postgres.query("""
                    SELECT id, qty_total::text, (extract(epoch FROM "timestamp") * 1000000)::bigint, properties::text,
                           source, event_name, period_id
                    FROM feature_usage WHERE tenant_id = \(c.tenant) AND id IN (\(ids[0]), \(ids[1]), \(ids[2]), \(ids[3]))
                    """)
                for row in expected {
                    let (id, qty, micros, properties, source, event, period)
                        = try row.decode((String, String?, Int64, String?, String?, String?, Int64?).self)
                    let got = try #require(rows[id], "\(id) is missing")
                    #expect(got["qty_total"] as? String == qty, "\(id) qty_total")
                    #expect((got["timestamp_us"] as? Int).map(Int64.init) == micros, "\(id) timestamp")
                    #expect(got["source"] as? String == source, "\(id) source: '' stays '', NULL stays NULL")
                    #expect(got["event_name"] as? String == event, "\(id) event_name")
                    #expect((got["period_id"] as? Int).map(Int64.init) == period, "\(id) period_id")
                    if let properties {
                        let want = try JSONSerialization.jsonObject(with: Data(properties.utf8)) as? NSDictionary
                        #expect((got["properties"] as? NSDictionary) == want, "\(id) properties")
                    } else {
                        #expect(got["properties"] is NSNull, "\(id) properties")
                    }
                }
            }
        }
    }

    /// What Athena does with the Parquet table `schema --engine athena` prints, done by hand: for
    /// each projected `dt`, the folder `storage.location.template` names, each list in it
    /// (SymlinkTextInputFormat; names starting `_` or `.` skipped), each `s3://` URL in a list; the
    /// files it names read by DuckDB. Athena itself cannot run here.
    static let athenaScript = #"""
    import duckdb, json, os, re, sys
    ddl, root, bucket, days = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3], sys.argv[4:]
    assert "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'" in ddl
    template = re.search(r"'storage\.location\.template' = '([^']*)'", ddl).group(1)
    columns = re.findall(r"^  `([^`]+)` (\S+?),?$", ddl, re.M)
    prefix, files, lists = 's3://' + bucket + '/', [], 0
    for dt in days:
        folder = template.replace('${dt}', dt)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.startswith(('_', '.')):
                continue
            lists += 1
            text = open(os.path.join(folder, name)).read()
            assert text.endswith('\n') and '\n\n' not in text, repr(text)
            for line in text.splitlines():
                assert line.startswith(prefix), line
                files.append(os.path.join(root, line[len(prefix):]))
    con = duckdb.connect()
    source = 'read_parquet(' + repr(files) + ')'
    count, distinct = con.execute('SELECT count(*), count(DISTINCT id) FROM ' + source).fetchone()
    types = [[r[0], r[1]] for r in con.execute('DESCRIBE SELECT * FROM ' + source).fetchall()]
    print(json.dumps({"lists": lists, "files": files, "count": count, "distinct": distinct,
                      "columns": [list(c) for c in columns], "types": types}))
    """#

    @Test func athenasParquetTableReadsEveryRowThroughTheExportersSymlinkLists() async throws {
        let python = try #require(ReaderPython.path, "the Parquet readers venv is missing (scripts/install-parquet-readers.sh)")
        try await TestServices.with(freshDatabase: true) { services in
            try await services.execute("ALTER TABLE feature_usage ALTER COLUMN qty_total TYPE numeric(20,6)")
            let endpoint = try #require(TestServices.s3Endpoint)
            let c = try await services.newConnection(
                syncConfig: { Services.s3Config(bucket: $0, endpoint: endpoint, format: .parquet, compression: .zstd,
                                                maxFileSizeMB: 1, athenaSymlinks: true) },
                seed: { tenant in
                    try await services.seedUsageRows(tenant: tenant, count: 10_000)
                    try await services.execute("""
                        INSERT INTO feature_usage (id, tenant_id, environment_id, event_name, "timestamp", qty_total)
                        VALUES (\(tenant + "-a"), \(tenant), '', 'late', '2026-11-22T23:59:59.999999Z', 1.5)
                        """)
                })
            var environment = environment(services)
            environment["EXPORTER_PARQUET_ROW_GROUP_MB"] = "1"
            let backfill = try await ExporterCommand.run(["backfill", "--connection", c.id, "--from", "2026-11-20", "--to", "2026-11-23", "--quiet"],
                                                         environment: environment, timeout: .seconds(300))
            #expect(backfill.status == 0, "\(backfill.stderr)")

            try await withScratchDirectory { directory in
                let keys = try await services.copyBucket(c.bucket, to: directory)
                #expect(keys.filter { $0.contains("/athena-symlinks/") }.count == 3, "one list per window: \(keys)")
                let schema = try await ExporterCommand.run(["schema", "--connection", c.id, "--entity", "feature_usage",
                                                            "--engine", "athena", "--location", directory.path],
                                                           environment: self.environment(services))
                #expect(schema.status == 0, "\(schema.stderr)")
                #expect(!schema.stderr.contains("athena_symlinks is not true"), "\(schema.stderr)")
                let ddlFile = directory.appendingPathComponent("table.sql")
                try schema.stdout.write(to: ddlFile, atomically: true, encoding: .utf8)

                // Projected days around the export: the empty ones have no folder, as in S3.
                let days = (18...24).map { "2026/11/\($0)" }
                let output = try runPython(python, [ddlFile.path, directory.path, c.bucket] + days, script: Self.athenaScript)
                let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
                let expectedCount = try await services.postgres.query(
                    "SELECT count(*)::bigint FROM feature_usage WHERE tenant_id = \(c.tenant)").first?.decode(Int64.self)
                #expect(expectedCount == 10_001)
                #expect(result["lists"] as? Int == 3, "\(result)")
                #expect((result["count"] as? Int).map(Int64.init) == expectedCount, "\(result)")
                #expect((result["distinct"] as? Int).map(Int64.init) == expectedCount)
                let files = try #require(result["files"] as? [String])
                #expect(files.count > 3, "the first window rolled over into parts: \(files)")
                #expect(files.allSatisfy { $0.hasSuffix(".parquet") }, "no manifest is read: \(files)")

                // The table's column types are the files' types, as an independent reader sees them.
                let columns = try #require(result["columns"] as? [[String]])
                let types = try #require(result["types"] as? [[String]])
                #expect(columns.map { $0[0] } == EntityType.featureUsage.columns)
                #expect(types.map { $0[0] } == EntityType.featureUsage.columns)
                for (column, seen) in zip(columns, types) {
                    #expect(column[1] == Self.hiveType(duckDB: seen[1]), "\(column[0]): the DDL says \(column[1]), the files hold \(seen[1])")
                }
                #expect(columns.first { $0[0] == "qty_total" }?[1] == "decimal(20,6)")
            }
        }
    }

    /// The Hive DDL type Athena needs for a Parquet column DuckDB describes as `type`.
    static func hiveType(duckDB type: String) -> String {
        switch type {
        case "VARCHAR", "JSON": "string"
        case "BIGINT": "bigint"
        case "BOOLEAN": "boolean"
        case "TIMESTAMP WITH TIME ZONE": "timestamp"
        default: type.hasPrefix("DECIMAL(") ? type.lowercased() : "unmapped \(type)"
        }
    }

    @Test func unknownConnectionOrEngineIsAUsageErrorAndUnreadableFormatNamesTheField() async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection(syncConfig: { Services.syncConfig(bucket: $0, format: .json) })
            let unknown = try await ExporterCommand.run(["schema", "--connection", "no-such-conn", "--entity", "invoice",
                                                         "--engine", "duckdb"], environment: environment(services))
            #expect(unknown.status == 64, "\(unknown.stderr)")
            #expect(unknown.stderr.contains("no-such-conn"), "\(unknown.stderr)")

            let engine = try await ExporterCommand.run(["schema", "--connection", c.id, "--entity", "invoice",
                                                        "--engine", "oracle"], environment: environment(services))
            #expect(engine.status == 64, "\(engine.stderr)")
            #expect(engine.stderr.contains("oracle"), "\(engine.stderr)")

            for name in ["athena", "bigquery"] {
                let json = try await ExporterCommand.run(["schema", "--connection", c.id, "--entity", "invoice",
                                                          "--engine", name], environment: environment(services))
                #expect(json.status == 78, "\(name): \(json.stderr)")
                #expect(json.stderr.contains("connection \(c.id): sync_config.s3.format is json"), "\(name): \(json.stderr)")
                #expect(json.stderr.contains("ndjson"), "\(name): \(json.stderr)")
                #expect(json.stdout.isEmpty)
            }
            let duckdb = try await ExporterCommand.run(["schema", "--connection", c.id, "--entity", "invoice",
                                                        "--engine", "duckdb"], environment: environment(services))
            #expect(duckdb.status == 0, "\(duckdb.stderr)")
            #expect(duckdb.stdout.contains("read_json("), "\(duckdb.stdout)")
        }
    }

    /// A Parquet connection without `athena_symlinks`: the DDL is printed (lists built by hand
    /// work too), and a note on stderr names the connection and the field to set.
    @Test func athenaOverParquetWithoutTheSettingSaysWhatToSet() async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection(syncConfig: { Services.syncConfig(bucket: $0, format: .parquet) })
            let schema = try await ExporterCommand.run(["schema", "--connection", c.id, "--entity", "invoice", "--engine", "athena"],
                                                       environment: environment(services))
            #expect(schema.status == 0, "\(schema.stderr)")
            #expect(schema.stderr.contains("note: connection \(c.id): sync_config.s3.athena_symlinks is not true"), "\(schema.stderr)")
            #expect(schema.stdout.contains("SymlinkTextInputFormat"))
            #expect(schema.stdout.contains("-- This connection's sync_config.s3.athena_symlinks is not true"))
        }
    }

    /// On a database without FlexPrice's `connections` (DATABASE_URL names another database):
    /// exit 78 saying so, as `migrate` does, not PostgreSQL's "relation does not exist".
    @Test func aDatabaseWithoutConnectionsIsAConfigurationError() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await services.execute("DROP TABLE connections CASCADE")
            let schema = try await ExporterCommand.run(["schema", "--connection", "c", "--entity", "invoice", "--engine", "duckdb"],
                                                       environment: environment(services))
            #expect(schema.status == 78, "\(schema.stderr)")
            #expect(schema.stderr.contains("FlexPrice's table connections does not exist in this database: DATABASE_URL must name FlexPrice's database"),
                    "\(schema.stderr)")
            #expect(schema.stdout.isEmpty)
        }
    }

    func runPython(_ python: String, _ arguments: [String], script: String = Self.script) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "duckdb failed: \(String(decoding: error, as: UTF8.self))")
        return String(decoding: output, as: UTF8.self)
    }
}
