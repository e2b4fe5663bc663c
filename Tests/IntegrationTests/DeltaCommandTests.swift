import ExporterCore
import Foundation
import TestSupport
import Testing

/// The commands on a Delta connection, through the built binary: `check` probes conditional
/// writes and reads each table's log, `status` shows the table version, `schema --engine duckdb`
/// is a `delta_scan` view DuckDB runs against the table, and
/// `vacuum` lists, deletes and refuses as documented.
@Suite(TestServices.needsServices(), .enabled(if: ReaderPython.shouldRun, "needs the readers venv (scripts/install-parquet-readers.sh)"))
struct DeltaCommandTests {
    typealias T = DeltaTableTests

    static let duckDBScript = #"""
    import duckdb, glob, json, os, sys
    ddl = open(sys.argv[1]).read()
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    extension = glob.glob(os.path.join(os.path.dirname(duckdb.__file__), "..", "duckdb_ext", "extensions", "*", "*", "delta.duckdb_extension"))
    con.execute("LOAD '" + extension[0] + "'")
    con.execute(ddl)
    count, distinct = con.execute("SELECT count(*), count(DISTINCT id) FROM feature_usage").fetchone()
    types = {r[0]: r[1] for r in con.execute("DESCRIBE feature_usage").fetchall()}
    print(json.dumps({"count": count, "distinct": distinct, "types": types}))
    """#

    @Test func checkStatusSchemaAndVacuumOnADeltaConnection() async throws {
        let python = try #require(ReaderPython.path, "the readers venv is missing (scripts/install-parquet-readers.sh)")
        try await TestServices.with { services in
            let c = try await T.connection(services, days: 3)
            let environment = WarehouseSchemaTests().environment(services)
            let check = try await ExporterCommand.run(["check", "--connection", c.id], environment: environment)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            #expect(check.stdout.contains("conditional write (If-None-Match)"), "\(check.stdout)")
            #expect(check.stdout.contains("(not created yet)"), "\(check.stdout)")

            let backfill = try await ExporterCommand.run(["backfill", "--connection", c.id, "--from", "2026-11-01", "--to", "2026-11-04", "--quiet"],
                                                         environment: environment, timeout: .seconds(300))
            #expect(backfill.status == 0, "\(backfill.stderr)")

            let status = try await ExporterCommand.run(["status", "--connection", c.id, "--json"], environment: environment)
            #expect(status.status == 0, "\(status.stderr)")
            let parsed = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            let stream = (parsed?["streams"] as? [[String: Any]])?.first
            #expect(stream?["delta_version"] as? Int == 2, "\(status.stdout)")
            #expect(stream?["delta_location"] as? String == "s3://\(c.bucket)/\(T.root)")
            let text = try await ExporterCommand.run(["status", "--connection", c.id], environment: environment)
            #expect(text.stdout.contains(" v2 "), "\(text.stdout)")
            let recheck = try await ExporterCommand.run(["check", "--connection", c.id], environment: environment)
            #expect(recheck.stdout.contains("(version 2)"), "\(recheck.stdout)")

            try await withScratchDirectory { directory in
                _ = try await services.copyBucket(c.bucket, to: directory)
                let schema = try await ExporterCommand.run(["schema", "--connection", c.id, "--entity", "feature_usage",
                                                            "--engine", "duckdb", "--location", directory.path], environment: environment)
                #expect(schema.status == 0, "\(schema.stderr)")
                #expect(schema.stdout.contains("delta_scan("), "\(schema.stdout)")
                let ddl = directory.appendingPathComponent("view.sql")
                try schema.stdout.write(to: ddl, atomically: true, encoding: .utf8)
                let output = try WarehouseSchemaTests().runPython(python, [ddl.path], script: Self.duckDBScript)
                let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
                #expect(result["count"] as? Int == 18 && result["distinct"] as? Int == 18, "\(result)")
                #expect((result["types"] as? [String: String])?["timestamp"] == "TIMESTAMP WITH TIME ZONE", "\(result)")
            }

            let dry = try await ExporterCommand.run(["vacuum", "--connection", c.id, "--dry-run"], environment: environment)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("s3://\(c.bucket)/\(T.root) version 2: would delete 0 files"), "\(dry.stdout)")

            // A connection of plain files has no table to vacuum: 78, naming the field.
            let plain = try await services.newConnection()
            let refused = try await ExporterCommand.run(["vacuum", "--connection", plain.id], environment: environment)
            #expect(refused.status == 78, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("s3.table_format"), "\(refused.stderr)")

            // Delta with CSV is a configuration error naming both fields.
            let csv = try await services.newConnection(syncConfig: { T.config($0, format: .csv) })
            let bad = try await ExporterCommand.run(["check", "--connection", csv.id], environment: environment)
            #expect(bad.status != 0)
            #expect(bad.stdout.contains("s3.table_format") && bad.stdout.contains("s3.format parquet"), "\(bad.stdout)")
        }
    }
}
