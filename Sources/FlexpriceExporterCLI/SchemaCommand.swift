import ArgumentParser
import ExporterCore
import ExporterEngine
import ExporterRunHistory
import ExporterSource
import ExporterWarehouse
import Foundation

/// `schema`: the DDL that makes a connection's exported objects of one entity a table in a
/// query engine (issue 15), typed from the columns PostgreSQL declares now (DESIGN §5a).
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the DDL of an external table (or view) over a connection's exported objects of one entity.",
        discussion: """
            For a connection with sync_config.s3.table_format "delta" each entity is a Delta Lake table at \
            s3://{bucket}/{key_prefix}/{entity}/, and every engine reads it through its _delta_log/ (columns and \
            files from the log; no globs, partitions or manifests): DuckDB, a view over delta_scan; Athena, an \
            external table with table_type DELTA; Snowflake, an Iceberg table from the Delta files (Delta Direct, \
            through an external volume and a catalog integration); BigQuery, a BigLake table with format DELTA_LAKE \
            through BigQuery Omni; Databricks and Spark (s3a://), CREATE TABLE ... USING DELTA LOCATION. The \
            databricks and spark engines need a Delta connection (exit 78 otherwise, naming table_format).

            For plain files: DuckDB, a view over read_parquet/read_csv/read_json with a glob. Athena, an external \
            table with partition projection on the yyyy/MM/dd folders (and a typed view for CSV and NDJSON; for \
            Parquet, over the symlink lists written with sync_config.s3.athena_symlinks). Snowflake, a file format \
            and an external table partitioned by the date in METADATA$FILENAME. BigQuery, an external table \
            through BigQuery Omni with one wildcard URI (no partitions). The column types follow the connection's \
            format and the columns' declared PostgreSQL types. Exit 78 when the engine cannot read the \
            connection's format or compression (the message names the field). See docs/warehouses.md.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The connection id.") var connection: String
    @Option(help: "The entity type.") var entity: EntityType
    @Option(help: "The query engine (databricks and spark: Delta connections only).") var engine: WarehouseEngine
    @Option(help: ArgumentHelp("Where the keys start instead of s3://{bucket}/ (e.g. a local copy of the bucket for DuckDB).",
                               valueName: "url"))
    var location: String?

    func run() async throws {
        try await CommandRunner.run {
            let settings = try await SettingsLoader.load(global)
            let logger = ProcessLogging.makeLogger(settings)
            let (connectionID, entity, engine, location) = (connection, entity, engine, location)
            let ddl = try await Runtime.withPostgres(settings, logger: logger) { postgres in
                try await Migrations.requireFlexpriceConnections(postgres)
                let catalog = ConnectionCatalog(client: postgres, logger: logger)
                guard let found = try await catalog.publishedS3Connections(id: connectionID).first else {
                    throw UnknownConnectionError(connectionID: connectionID)
                }
                let s3 = try found.settings()
                let columns: [SourceColumn]
                switch entity.store(clickHouseConfigured: settings.clickHouseURL != nil) {
                case .postgres:
                    columns = try await DeclaredColumns.read(entity, from: postgres)
                case .clickHouse:
                    columns = try await Runtime.clickHouseColumns(entity, settings: settings, logger: logger)
                }
                let target = WarehouseTarget(connectionID: found.id, entity: entity, columns: columns, bucket: s3.bucket,
                                             region: s3.region, keyPrefix: s3.keyPrefix, format: s3.format,
                                             compression: s3.compression, athenaSymlinks: s3.athenaSymlinks, root: location,
                                             tableFormat: s3.tableFormat)
                if engine == .athena, s3.format == .parquet, !s3.athenaSymlinks, !s3.isDelta {
                    // The DDL is still printed (lists built by hand work too), but an empty table
                    // must not come as a surprise.
                    CommandRunner.printError("note: connection \(found.id): sync_config.s3.athena_symlinks is not true, "
                        + "so the exporter writes no symlink lists for this Athena table to read; set it to true "
                        + "(see the DDL's comment and docs/warehouses.md)")
                }
                do {
                    return try WarehouseDDL.ddl(engine, target)
                } catch let error as WarehouseDDLError {
                    throw Failure.configuration(error.description)
                }
            }
            print(ddl, terminator: "")
        }
    }
}

extension WarehouseEngine: ExpressibleByArgument {}
