import ExporterCore

/// Apache Spark with Delta Lake (delta-spark): a catalog table over the Delta table's root, on
/// Hadoop's S3A connector.
///
/// Follows https://docs.delta.io/latest/delta-batch.html (the session settings
/// `spark.sql.extensions` and `spark.sql.catalog.spark_catalog`; `CREATE TABLE … USING DELTA
/// LOCATION` over an existing table takes its schema from the log; time travel `VERSION AS OF`,
/// `TIMESTAMP AS OF`) and https://docs.delta.io/latest/delta-storage.html (S3 through the `s3a://`
/// scheme of Hadoop's S3A connector, `hadoop-aws`, whose scheme also picks Delta's S3 log store).
/// `s3://` is not a filesystem open-source Hadoop has, so the location is rewritten to `s3a://`.
struct SparkDDL {
    let target: WarehouseTarget

    var ddl: String {
        [
            "-- Spark: a table over the Delta table (delta-spark; docs.delta.io/latest/delta-batch.html). Start the session with",
            "--   spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension",
            "--   spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog",
            "-- and hadoop-aws on the classpath: the location is s3a://, the scheme of Hadoop's S3A connector (open-source Hadoop",
            "-- has no s3:// filesystem); credentials through fs.s3a.aws.credentials.provider.",
            "-- The table takes its columns from the log. An earlier version: SELECT * FROM \(target.entity.rawValue) VERSION AS OF 3;",
            Self.createTable(target.entity.rawValue, location: location),
        ].joined(separator: "\n") + "\n"
    }

    /// The table's root with `s3://` as `s3a://` (a `--location` root in another scheme is kept).
    var location: String {
        let url = target.tableLocation
        return url.hasPrefix("s3://") ? "s3a://" + url.dropFirst("s3://".count) : url
    }

    /// The statement Spark and Databricks share: register the existing table by its location.
    static func createTable(_ name: String, location: String) -> String {
        "CREATE TABLE IF NOT EXISTS \(name) USING DELTA LOCATION " + WarehouseDDL.backslashQuoted(location) + ";"
    }
}
