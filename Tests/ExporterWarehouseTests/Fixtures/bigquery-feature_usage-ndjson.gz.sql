-- flexprice-exporter schema --engine bigquery: connection conn_01, entity feature_usage, format ndjson, compression gzip
-- over s3://acme-billing-exports/flexprice/feature_usage/
-- BigQuery: an external table over Amazon S3, which BigQuery reads only through BigQuery Omni: create a BigQuery
-- connection to AWS in the Omni region of the bucket (aws-us-east-1) and a dataset in that region, then
-- replace PROJECT.DATASET and CONNECTION_NAME.
-- Hive partitioning needs key=value folders (dt=2026-11-20/), and the exporter's folders are yyyy/mm/dd, so the
-- table has no partition column: the wildcard URI reads every window; filter on the entity's own date columns.
-- The URI's ending matches the data objects and their _part-NNNN files, never the _manifest.json files.
CREATE OR REPLACE EXTERNAL TABLE `PROJECT.DATASET.feature_usage` (
  `id` STRING,
  `tenant_id` STRING,
  `environment_id` STRING,
  `external_customer_id` STRING,
  `customer_id` STRING,
  `subscription_id` STRING,
  `sub_line_item_id` STRING,
  `price_id` STRING,
  `meter_id` STRING,
  `feature_id` STRING,
  `period_id` INT64,
  `event_name` STRING,
  `source` STRING,
  `timestamp` TIMESTAMP,
  `ingested_at` TIMESTAMP,
  `qty_total` STRING,
  `properties` JSON,
  `unique_hash` STRING
)
WITH CONNECTION `aws-us-east-1.CONNECTION_NAME`
OPTIONS (
  format = 'NEWLINE_DELIMITED_JSON',
  uris = ['s3://acme-billing-exports/flexprice/feature_usage/*.ndjson.gz'],
  compression = 'GZIP'
);
