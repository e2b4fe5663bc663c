import ExporterCore
import ExporterWarehouse
import Foundation
import Testing

/// `flexprice-exporter schema`'s DDL, engine by engine, compared byte for byte with golden files
/// in Fixtures/ (reviewed line by line against each engine's documentation: docs/warehouses.md
/// and the generators' doc comments name the pages). `UPDATE_GOLDEN=1` rewrites them.
struct WarehouseDDLTests {
    /// The shipped schema's declared types (db/flexprice-schema.sql), as the catalog reports them.
    static func columns(_ entity: EntityType) -> [SourceColumn] {
        let declared: [String: SourceColumn.DeclaredType] = [
            "period_id": .integer, "timestamp": .timestamp, "ingested_at": .timestamp, "qty_total": .unconstrainedNumeric,
            "properties": .json, "metadata": .json,
            "amount_due": .numeric(precision: 20, scale: 8), "amount_paid": .numeric(precision: 20, scale: 8),
            "amount_remaining": .numeric(precision: 20, scale: 8), "subtotal": .numeric(precision: 20, scale: 8),
            "total": .numeric(precision: 20, scale: 8),
            "due_date": .timestamp, "paid_at": .timestamp, "voided_at": .timestamp, "finalized_at": .timestamp,
            "period_start": .timestamp, "period_end": .timestamp, "created_at": .timestamp, "updated_at": .timestamp,
        ]
        return entity.columns.map { SourceColumn(name: $0, type: declared[$0] ?? .text) }
    }

    static func target(_ entity: EntityType, _ format: ExportFormat, _ compression: CompressionSetting,
                       keyPrefix: String = "/flexprice/", athenaSymlinks: Bool = false, root: String? = nil,
                       tableFormat: TableFormat = .none) -> WarehouseTarget {
        WarehouseTarget(connectionID: "conn_01", entity: entity, columns: columns(entity), bucket: "acme-billing-exports",
                        region: "us-east-1", keyPrefix: keyPrefix, format: format, compression: compression,
                        athenaSymlinks: athenaSymlinks, root: root, tableFormat: tableFormat)
    }

    /// A `table_format: "delta"` connection's target (Delta needs Parquet).
    static func deltaTarget(_ entity: EntityType, keyPrefix: String = "/flexprice/", root: String? = nil) -> WarehouseTarget {
        target(entity, .parquet, .zstd, keyPrefix: keyPrefix, root: root, tableFormat: .delta)
    }

    static let cases: [(WarehouseEngine, EntityType, ExportFormat, CompressionSetting)] = [
        (.duckdb, .invoice, .parquet, .zstd), (.duckdb, .invoice, .csv, .gzip), (.duckdb, .featureUsage, .ndjson, .zstd),
        (.duckdb, .featureUsage, .json, .gzip),
        (.athena, .invoice, .parquet, .zstd), (.athena, .invoice, .csv, .gzip), (.athena, .featureUsage, .ndjson, .gzip),
        (.snowflake, .invoice, .parquet, .zstd), (.snowflake, .invoice, .csv, .gzip), (.snowflake, .featureUsage, .ndjson, .zstd),
        (.bigquery, .invoice, .parquet, .zstd), (.bigquery, .invoice, .csv, .gzip), (.bigquery, .featureUsage, .ndjson, .gzip),
    ]

    static func goldenName(_ engine: WarehouseEngine, _ entity: EntityType, _ format: ExportFormat,
                           _ compression: CompressionSetting) -> String {
        "\(engine.rawValue)-\(entity.rawValue)-\(format.rawValue)\(format.fileSuffix(compression)).sql"
    }

    @Test(arguments: 0..<cases.count)
    func matchesGoldenFile(_ index: Int) throws {
        let (engine, entity, format, compression) = Self.cases[index]
        try expectGolden(Self.goldenName(engine, entity, format, compression),
                         WarehouseDDL.ddl(engine, Self.target(entity, format, compression)))
    }

    /// Every engine's DDL over a Delta table (issue 26), and one entity from ClickHouse.
    static let deltaCases: [(WarehouseEngine, EntityType)] =
        WarehouseEngine.allCases.map { ($0, EntityType.invoice) } + [(.duckdb, .meterUsage)]

    @Test(arguments: 0..<deltaCases.count)
    func deltaMatchesGoldenFile(_ index: Int) throws {
        let (engine, entity) = Self.deltaCases[index]
        try expectGolden("\(engine.rawValue)-\(entity.rawValue)-delta.sql", WarehouseDDL.ddl(engine, Self.deltaTarget(entity)))
    }

    /// The Delta DDL names the table's root, never the date folders, a glob, a manifest or a
    /// symlink list: the log says which files form the table.
    @Test(arguments: WarehouseEngine.allCases)
    func deltaDDLReadsTheTableRootOnly(_ engine: WarehouseEngine) throws {
        let ddl = try WarehouseDDL.ddl(engine, Self.deltaTarget(.invoice))
        let statements = ddl.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n")
        for absent in ["*/", "_*", "manifest", "athena-symlinks", "2026", "PARTITION", "projection"] {
            #expect(!statements.contains(absent), "\(engine): \(absent) in \(statements)")
        }
        #expect(ddl.contains("-- over the table at s3://acme-billing-exports/flexprice/invoice/, its log in s3://acme-billing-exports/flexprice/invoice/_delta_log/"))
        #expect(ddl.contains(" amount_due decimal(20,8),") && ddl.contains(" due_date timestamp,") && ddl.contains(" metadata string,"))
        let usage = try WarehouseDDL.ddl(engine, Self.deltaTarget(.featureUsage))
        #expect(usage.contains(" period_id long,") && usage.contains(" qty_total string,"), "\(usage)")
    }

    /// The key prefix as written, slashes and all, is normalised as the exporter writes the table:
    /// `{key_prefix}/{entity}/` with no leading, trailing or double `/`; no prefix is the bucket's root.
    @Test func deltaKeyPrefixSlashesAreTrimmed() throws {
        let expected: [WarehouseEngine: String] = [
            .duckdb: "delta_scan('s3://acme-billing-exports/exports/billing/invoice')",
            .athena: "LOCATION 's3://acme-billing-exports/exports/billing/invoice/'",
            .snowflake: "BASE_LOCATION = 'exports/billing/invoice/'",
            .bigquery: "uris = ['s3://acme-billing-exports/exports/billing/invoice']",
            .databricks: "LOCATION 's3://acme-billing-exports/exports/billing/invoice/'",
            .spark: "LOCATION 's3a://acme-billing-exports/exports/billing/invoice/'",
        ]
        for engine in WarehouseEngine.allCases {
            let ddl = try WarehouseDDL.ddl(engine, Self.deltaTarget(.invoice, keyPrefix: "//exports//billing/"))
            let line = try #require(expected[engine])
            #expect(ddl.contains(line), "\(engine): \(ddl)")
            #expect(!ddl.contains("//exports") && !ddl.contains("billing//"), "\(engine): \(ddl)")
            let bare = try WarehouseDDL.ddl(engine, Self.deltaTarget(.invoice, keyPrefix: "/"))
            #expect(bare.contains(line.replacingOccurrences(of: "exports/billing/", with: "")), "\(engine): \(bare)")
        }
    }

    /// A local copy of the bucket (`--location`) is a `file://` URL for DuckDB's delta_scan.
    @Test func deltaLocationOverrideIsAFileURLForDuckDB() throws {
        let ddl = try WarehouseDDL.ddl(.duckdb, Self.deltaTarget(.invoice, root: "/tmp/copy"))
        #expect(ddl.contains("SELECT * FROM delta_scan('file:///tmp/copy/flexprice/invoice');"), "\(ddl)")
    }

    /// Databricks and Spark read a Delta table only: over plain files the error names
    /// `table_format` and says to set it to delta (exit 78 through the CLI), and, for a text
    /// format, that Delta needs Parquet.
    @Test(arguments: [WarehouseEngine.databricks, .spark], [ExportFormat.parquet, .csv])
    func databricksAndSparkNeedADeltaConnection(_ engine: WarehouseEngine, _ format: ExportFormat) {
        #expect {
            _ = try WarehouseDDL.ddl(engine, Self.target(.invoice, format, .gzip))
        } throws: { error in
            guard let error = error as? WarehouseDDLError else { return false }
            let text = error.description
            return error.field == "table_format"
                && text.hasPrefix("connection conn_01: sync_config.s3.table_format is \"none\"")
                && text.contains("--engine \(engine.rawValue)")
                && text.contains("set sync_config.s3.table_format to \"delta\"")
                && text.contains("format to \"parquet\"") == (format != .parquet)
        }
    }

    /// Delta needs Parquet (the config refuses anything else); a target built otherwise is refused
    /// by every engine, naming the field. A `*` in the prefix would be a wildcard in BigQuery's URI.
    @Test func deltaRefusesTextFormatsAndBigQueryAWildcardPrefix() {
        for engine in WarehouseEngine.allCases {
            #expect {
                _ = try WarehouseDDL.ddl(engine, Self.target(.invoice, .csv, .gzip, tableFormat: .delta))
            } throws: { error in
                (error as? WarehouseDDLError)?.field == "table_format"
            }
        }
        #expect {
            _ = try WarehouseDDL.ddl(.bigquery, Self.deltaTarget(.invoice, keyPrefix: "exports/*"))
        } throws: { error in
            (error as? WarehouseDDLError)?.field == "key_prefix"
        }
    }

    /// Quotes in the key prefix, escaped per dialect: doubled for DuckDB, Athena and Snowflake,
    /// backslash-escaped for Spark SQL (Databricks, Spark) and GoogleSQL.
    @Test func deltaQuotesInTheKeyPrefixAreEscapedPerDialect() throws {
        let expected: [WarehouseEngine: String] = [
            .duckdb: "delta_scan('s3://acme-billing-exports/it''s/invoice')",
            .athena: "LOCATION 's3://acme-billing-exports/it''s/invoice/'",
            .snowflake: "BASE_LOCATION = 'it''s/invoice/'",
            .bigquery: #"uris = ['s3://acme-billing-exports/it\'s/invoice']"#,
            .databricks: #"LOCATION 's3://acme-billing-exports/it\'s/invoice/'"#,
            .spark: #"LOCATION 's3a://acme-billing-exports/it\'s/invoice/'"#,
        ]
        for engine in WarehouseEngine.allCases {
            let ddl = try WarehouseDDL.ddl(engine, Self.deltaTarget(.invoice, keyPrefix: "it's"))
            #expect(ddl.contains(try #require(expected[engine])), "\(engine): \(ddl)")
        }
    }

    /// The Parquet table over lists the exporter writes (`athena_symlinks: true`): the same table,
    /// and a comment that says the lists are there (the golden file above is the comment without).
    @Test func athenaParquetOverTheExportersSymlinkListsMatchesGoldenFile() throws {
        let with = try WarehouseDDL.ddl(.athena, Self.target(.invoice, .parquet, .zstd, athenaSymlinks: true))
        try expectGolden("athena-invoice-parquet-symlinks.sql", with)
        let without = try WarehouseDDL.ddl(.athena, Self.target(.invoice, .parquet, .zstd))
        let statement = { (ddl: String) in ddl.split(separator: "\n").filter { !$0.hasPrefix("--") } }
        #expect(statement(with) == statement(without), "only the comment depends on athena_symlinks")
        #expect(with.contains("LOCATION 's3://acme-billing-exports/flexprice/athena-symlinks/invoice/'"))
        #expect(with.contains("s3://acme-billing-exports/flexprice/athena-symlinks/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z.txt"))
    }

    /// A key prefix holding a glob's special characters names its own folder in DuckDB's glob;
    /// Snowflake's unquoted LOCATION and BigQuery's one-wildcard URI refuse what they cannot hold,
    /// naming the field.
    @Test func keyPrefixCharactersAreLiteralOrRefused() throws {
        let odd = Self.target(.invoice, .csv, .gzip, keyPrefix: "exports/v[1] it's?*")
        let duckdb = try WarehouseDDL.ddl(.duckdb, odd)
        #expect(duckdb.contains("'s3://acme-billing-exports/exports/v[[]1] it''s[?][*]/invoice/*/*/*/invoice_*.csv.gz'"), "\(duckdb)")
        for (engine, character) in [(WarehouseEngine.snowflake, "["), (.bigquery, "*")] {
            #expect {
                _ = try WarehouseDDL.ddl(engine, odd)
            } throws: { error in
                guard let error = error as? WarehouseDDLError else { return false }
                return error.field == "key_prefix"
                    && error.description.hasPrefix("connection conn_01: sync_config.s3.key_prefix holds \"\(character)\"")
            }
        }
        #expect(!(try WarehouseDDL.ddl(.snowflake, Self.target(.invoice, .csv, .gzip, keyPrefix: "a-b/c_d.e/2026"))).isEmpty)
    }

    func expectGolden(_ name: String, _ ddl: String) throws {
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
            try Data(ddl.utf8).write(to: source)
        }
        let url = try #require(Bundle.module.url(forResource: "Fixtures/" + name.dropLast(4), withExtension: "sql"),
                               "golden file Fixtures/\(name) is missing (UPDATE_GOLDEN=1 writes it)")
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(ddl == golden, "\(name) differs from its golden file")
    }

    @Test(arguments: [(WarehouseEngine.athena, ExportFormat.json, CompressionSetting.gzip, "format"),
                      (.bigquery, .json, .gzip, "format"), (.bigquery, .csv, .zstd, "compression"),
                      (.bigquery, .ndjson, .zstd, "compression")])
    func unreadableSettingsNameTheConnectionAndField(_ engine: WarehouseEngine, _ format: ExportFormat,
                                                     _ compression: CompressionSetting, _ field: String) {
        #expect {
            _ = try WarehouseDDL.ddl(engine, Self.target(.invoice, format, compression))
        } throws: { error in
            guard let error = error as? WarehouseDDLError else { return false }
            return error.field == field && error.description.hasPrefix("connection conn_01: sync_config.s3.\(field) is ")
                && error.description.contains(format == .json ? "set format to ndjson" : "set compression to gzip")
        }
    }

    @Test func engineReadableCombinationsNeverFail() throws {
        for format in ExportFormat.allCases {
            for compression in CompressionSetting.allCases {
                for engine in [WarehouseEngine.duckdb, .snowflake] {
                    #expect(!(try WarehouseDDL.ddl(engine, Self.target(.price, format, compression))).isEmpty)
                }
            }
        }
    }

    @Test func locationOverrideReplacesTheBucketRoot() throws {
        let ddl = try WarehouseDDL.ddl(.duckdb, Self.target(.invoice, .csv, .none, root: "/tmp/copy"))
        #expect(ddl.contains("'/tmp/copy/flexprice/invoice/*/*/*/invoice_*.csv'"))
    }

    /// A quote in the key prefix: doubled in DuckDB's literal, backslash-escaped in GoogleSQL's.
    @Test func quotesInTheKeyPrefixAreEscapedPerDialect() throws {
        let target = WarehouseTarget(connectionID: "c", entity: .invoice, columns: Self.columns(.invoice), bucket: "b",
                                     region: "us-east-1", keyPrefix: "it's", format: .csv, compression: .gzip)
        #expect(try WarehouseDDL.ddl(.duckdb, target).contains("'s3://b/it''s/invoice/*/*/*/invoice_*.csv.gz'"))
        #expect(try WarehouseDDL.ddl(.bigquery, target).contains(#"uris = ['s3://b/it\'s/invoice/*.csv.gz']"#))
    }

    /// The globs and patterns select data objects and parts, never a manifest, in every format.
    @Test(arguments: ExportFormat.allCases)
    func patternsMatchDataNotManifests(_ format: ExportFormat) throws {
        let layout = ObjectKeyLayout(keyPrefix: "flexprice")
        let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200)
        for compression in CompressionSetting.allCases {
            let target = Self.target(.invoice, format, compression)
            let regex = try Regex(".*/" + WarehouseDDL.dataFileRegex(target))
            let data = [layout.dataKey(entity: .invoice, window: window, format: format, compression: compression),
                        layout.dataKey(entity: .invoice, window: window, format: format, compression: compression, part: 2)]
            for key in data { #expect(key.wholeMatch(of: regex) != nil, "\(key)") }
            #expect(layout.manifestKey(entity: .invoice, window: window).wholeMatch(of: regex) == nil)
        }
    }
}
