-- flexprice-exporter schema --engine bigquery: connection conn_01, entity invoice, format csv, compression gzip
-- over s3://acme-billing-exports/flexprice/invoice/
-- BigQuery: an external table over Amazon S3, which BigQuery reads only through BigQuery Omni: create a BigQuery
-- connection to AWS in the Omni region of the bucket (aws-us-east-1) and a dataset in that region, then
-- replace PROJECT.DATASET and CONNECTION_NAME.
-- Hive partitioning needs key=value folders (dt=2026-11-20/), and the exporter's folders are yyyy/mm/dd, so the
-- table has no partition column: the wildcard URI reads every window; filter on the entity's own date columns.
-- The URI's ending matches the data objects and their _part-NNNN files, never the _manifest.json files.
-- An empty field is NULL; a quoted empty string ("") may read as NULL too.
CREATE OR REPLACE EXTERNAL TABLE `PROJECT.DATASET.invoice` (
  `id` STRING,
  `tenant_id` STRING,
  `environment_id` STRING,
  `customer_id` STRING,
  `subscription_id` STRING,
  `invoice_number` STRING,
  `invoice_type` STRING,
  `invoice_status` STRING,
  `payment_status` STRING,
  `currency` STRING,
  `amount_due` NUMERIC,
  `amount_paid` NUMERIC,
  `amount_remaining` NUMERIC,
  `subtotal` NUMERIC,
  `total` NUMERIC,
  `due_date` TIMESTAMP,
  `paid_at` TIMESTAMP,
  `voided_at` TIMESTAMP,
  `finalized_at` TIMESTAMP,
  `billing_period` STRING,
  `period_start` TIMESTAMP,
  `period_end` TIMESTAMP,
  `billing_reason` STRING,
  `metadata` STRING,
  `status` STRING,
  `created_at` TIMESTAMP,
  `updated_at` TIMESTAMP
)
WITH CONNECTION `aws-us-east-1.CONNECTION_NAME`
OPTIONS (
  format = 'CSV',
  uris = ['s3://acme-billing-exports/flexprice/invoice/*.csv.gz'],
  compression = 'GZIP',
  skip_leading_rows = 1,
  allow_quoted_newlines = true
);
