import ExporterCore

/// What a DDL statement is written over: one connection's exported objects of one entity,
/// `{root}{key_prefix}/{entity}/{yyyy}/{mm}/{dd}/{entity}_{start}_{end}[_part-NNNN].{ext}[.gz|.zst]`
/// (DESIGN §5), with the columns as PostgreSQL declares them (DESIGN §5a maps them to Parquet).
public struct WarehouseTarget: Sendable, Hashable {
    public let connectionID: String
    public let entity: EntityType
    /// The entity's columns in contract order, with their declared types.
    public let columns: [SourceColumn]
    public let bucket: String
    /// The connection's AWS region (BigQuery Omni's connection lives in `aws-{region}`).
    public let region: String
    /// The key prefix, normalised as the exporter writes it (no leading, trailing or double `/`).
    public let keyPrefix: String
    public let format: ExportFormat
    public let compression: CompressionSetting
    /// Whether the exporter writes Athena symlink lists for this connection (`athena_symlinks`).
    public let athenaSymlinks: Bool
    /// Where the keys start: `s3://{bucket}/` unless overridden (a local copy of the bucket, for
    /// DuckDB, or a mirror). Always ends with `/`.
    public let root: String
    /// `table_format`: with ``TableFormat/delta`` each entity is a Delta Lake table rooted at
    /// ``tableLocation``, and every engine reads the table (its log) instead of the folders.
    public let tableFormat: TableFormat

    public init(connectionID: String, entity: EntityType, columns: [SourceColumn], bucket: String, region: String,
                keyPrefix: String, format: ExportFormat, compression: CompressionSetting, athenaSymlinks: Bool = false,
                root: String? = nil, tableFormat: TableFormat = .none) {
        self.connectionID = connectionID
        self.entity = entity
        self.columns = columns
        self.bucket = bucket
        self.region = region
        self.keyPrefix = ObjectKeyLayout(keyPrefix: keyPrefix).prefix
        self.format = format
        self.compression = compression
        self.athenaSymlinks = athenaSymlinks
        let base = root ?? "s3://\(bucket)/"
        self.root = base.hasSuffix("/") ? base : base + "/"
        self.tableFormat = tableFormat
    }

    /// Whether the connection's files of this entity form a Delta Lake table.
    public var isDelta: Bool { tableFormat == .delta }

    /// The Delta table's root relative to the bucket, as the exporter writes it:
    /// `{key_prefix}/{entity}/` (``ObjectKeyLayout/tableRoot(entity:)``); its log is `_delta_log/` inside.
    public var tablePath: String { ObjectKeyLayout(keyPrefix: keyPrefix).tableRoot(entity: entity) }

    /// The Delta table's root as a URL, with its trailing `/`: `s3://{bucket}/{key_prefix}/{entity}/`.
    public var tableLocation: String { root + tablePath }

    /// The Delta table's root without the trailing `/`, the form DuckDB's and BigQuery's examples use.
    public var tableLocationWithoutSlash: String { String(tableLocation.dropLast()) }

    /// The entity's folder relative to the bucket: `{key_prefix}/{entity}/` (or `{entity}/`).
    public var entityPath: String {
        (keyPrefix.isEmpty ? "" : keyPrefix + "/") + entity.rawValue + "/"
    }

    /// The entity's folder as a URL: `s3://{bucket}/{key_prefix}/{entity}/`.
    public var entityLocation: String { root + entityPath }

    /// The folder of the entity's Athena symlink lists as a URL:
    /// `s3://{bucket}/{key_prefix}/athena-symlinks/{entity}/`.
    public var athenaSymlinkLocation: String {
        root + ObjectKeyLayout(keyPrefix: keyPrefix).athenaSymlinkFolder(entity: entity)
    }

    /// A data object's ending: `.csv.gz`, `.ndjson.zst`, `.parquet`, ...
    public var fileEnding: String { "." + format.fileExtension + format.fileSuffix(compression) }

    /// How many `/`-separated components the key prefix has (the date folders follow them and the entity).
    var prefixDepth: Int { keyPrefix.isEmpty ? 0 : keyPrefix.split(separator: "/").count }
}
