import ExporterCore

/// BigQuery over a Delta table: a BigLake external table with `format = 'DELTA_LAKE'` on the
/// table's root, through BigQuery Omni's AWS connection.
///
/// Follows https://cloud.google.com/bigquery/docs/create-delta-lake-table (`CREATE EXTERNAL TABLE
/// … WITH CONNECTION … OPTIONS (format = "DELTA_LAKE", uris = ['{table base path}'])`: one URI,
/// the table's root, no column list, because the schema comes from the log and its changes are
/// picked up) and https://cloud.google.com/bigquery/docs/omni-aws-create-external-table (Amazon S3
/// only through a BigQuery Omni connection `aws-{region}.NAME` and a dataset in that region, as
/// the plain-file DDL). BigQuery reads the latest version: it has no Delta time travel.
struct BigQueryDeltaDDL {
    let target: WarehouseTarget

    func ddl() throws(WarehouseDDLError) -> String {
        // The URI names one folder: a `*` in it would be read as a wildcard.
        if target.keyPrefix.contains("*") {
            throw WarehouseDDLError(connectionID: target.connectionID, field: "key_prefix",
                                    problem: "holds \"*\", which a BigQuery URI reads as a wildcard, not as the Delta table's folder: remove it from key_prefix")
        }
        return [
            "-- BigQuery: a BigLake table over the Delta table, through BigQuery Omni (BigQuery reads Amazon S3 only there): create",
            "-- a BigQuery connection to AWS in the Omni region of the bucket (aws-\(target.region)) and a dataset in that region, then",
            "-- replace PROJECT.DATASET and CONNECTION_NAME.",
            "-- The URI is the table's root: BigQuery reads the columns and the files of the latest version from its _delta_log/ (no",
            "-- column list, no partitions, no time travel) and follows schema changes.",
            "CREATE OR REPLACE EXTERNAL TABLE `PROJECT.DATASET.\(target.entity.rawValue)`",
            "WITH CONNECTION `aws-\(target.region).CONNECTION_NAME`",
            "OPTIONS (",
            "  format = 'DELTA_LAKE',",
            "  uris = [" + BigQueryDDL.literal(target.tableLocationWithoutSlash) + "]",
            ");",
        ].joined(separator: "\n") + "\n"
    }
}
