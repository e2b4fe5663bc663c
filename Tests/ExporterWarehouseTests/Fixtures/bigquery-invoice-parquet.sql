-- flexprice-exporter schema --engine bigquery: connection conn_01, entity invoice, format parquet, compression zstd
-- over s3://acme-billing-exports/flexprice/invoice/
-- BigQuery: an external table over Amazon S3, which BigQuery reads only through BigQuery Omni: create a BigQuery
-- connection to AWS in the Omni region of the bucket (aws-us-east-1) and a dataset in that region, then
-- replace PROJECT.DATASET and CONNECTION_NAME.
-- Hive partitioning needs key=value folders (dt=2026-11-20/), and the exporter's folders are yyyy/mm/dd, so the
-- table has no partition column: the wildcard URI reads every window; filter on the entity's own date columns.
-- The URI's ending matches the data objects and their _part-NNNN files, never the _manifest.json files.
-- Parquet carries its schema: the columns and their types come from the files (DECIMAL -> NUMERIC or BIGNUMERIC).
CREATE OR REPLACE EXTERNAL TABLE `PROJECT.DATASET.invoice`
WITH CONNECTION `aws-us-east-1.CONNECTION_NAME`
OPTIONS (
  format = 'PARQUET',
  uris = ['s3://acme-billing-exports/flexprice/invoice/*.parquet']
);
