import ExporterCore

/// Snowflake over a Delta table: an Iceberg table made from the Delta table's files ("Delta
/// Direct"), through an external volume on the bucket and a catalog integration for Delta.
///
/// Snowflake offers two forms for Delta: an external table with `TABLE_FORMAT = DELTA`, and an
/// Iceberg table from Delta files. Its docs now point to the second: a Direct Iceberg table "uses
/// the same query engine as other Iceberg tables, which performs better than external tables" and
/// refreshes itself as the files change (https://docs.snowflake.com/en/user-guide/tables-iceberg-direct),
/// whereas a Delta external table has no automatic refresh. Follows
/// https://docs.snowflake.com/en/user-guide/tables-iceberg-delta-direct (the three steps),
/// https://docs.snowflake.com/en/sql-reference/sql/create-iceberg-table-delta (`EXTERNAL_VOLUME`,
/// `CATALOG`, `BASE_LOCATION` relative to the volume and holding `_delta_log/`, `AUTO_REFRESH`),
/// https://docs.snowflake.com/en/user-guide/tables-iceberg-configure-catalog-integration-object-storage
/// (`CATALOG_SOURCE = OBJECT_STORE`, `TABLE_FORMAT = DELTA`) and
/// https://docs.snowflake.com/en/sql-reference/sql/create-external-volume (S3 storage location).
/// The volume and the integration need an account administrator and the user's IAM role, so,
/// like the stage of the plain-file DDL, they are shown in comments to run once.
struct SnowflakeDeltaDDL {
    let target: WarehouseTarget

    /// The names the DDL uses for the once-only objects.
    static let volume = "flexprice_exports"
    static let catalog = "flexprice_delta"

    var ddl: String {
        [
            "-- Snowflake: an Iceberg table over the Delta table's files (Delta Direct): Snowflake reads the _delta_log/ and the",
            "-- Parquet files in place, read only. Snowflake's docs recommend this over an external table with TABLE_FORMAT = DELTA:",
            "-- it runs on the Iceberg tables' engine and refreshes itself (AUTO_REFRESH) as commits land.",
            "-- Create once, with an IAM role that may read the bucket (ALLOW_WRITES = FALSE: Snowflake writes nothing there):",
            "--   CREATE EXTERNAL VOLUME \(Self.volume) STORAGE_LOCATIONS = ((NAME = 'flexprice-exports' STORAGE_PROVIDER = 'S3'",
            "--     STORAGE_BASE_URL = 's3://\(target.bucket)/' STORAGE_AWS_ROLE_ARN = '<your_role_arn>')) ALLOW_WRITES = FALSE;",
            "--   CREATE CATALOG INTEGRATION \(Self.catalog) CATALOG_SOURCE = OBJECT_STORE TABLE_FORMAT = DELTA ENABLED = TRUE;",
            "-- BASE_LOCATION is the table's root relative to the volume's s3://\(target.bucket)/.",
            "CREATE ICEBERG TABLE IF NOT EXISTS \(target.entity.rawValue)",
            "  EXTERNAL_VOLUME = '\(Self.volume)'",
            "  CATALOG = '\(Self.catalog)'",
            "  BASE_LOCATION = " + Self.literal(target.tablePath),
            "  AUTO_REFRESH = TRUE;",
        ].joined(separator: "\n") + "\n"
    }

    /// A Snowflake single-quoted literal: a backslash starts an escape sequence, so it is doubled,
    /// and a quote is doubled (docs.snowflake.com/en/sql-reference/data-types-text#string-constants).
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
    }
}
