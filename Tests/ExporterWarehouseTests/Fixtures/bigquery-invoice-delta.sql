-- flexprice-exporter schema --engine bigquery: connection conn_01, entity invoice, Delta Lake table (table_format delta, format parquet, compression zstd)
-- over the table at s3://acme-billing-exports/flexprice/invoice/, its log in s3://acme-billing-exports/flexprice/invoice/_delta_log/
-- The table's schema (from its log; no partition columns): id string, tenant_id string, environment_id string,
--   customer_id string, subscription_id string, invoice_number string, invoice_type string, invoice_status string,
--   payment_status string, currency string, amount_due decimal(20,8), amount_paid decimal(20,8),
--   amount_remaining decimal(20,8), subtotal decimal(20,8), total decimal(20,8), due_date timestamp,
--   paid_at timestamp, voided_at timestamp, finalized_at timestamp, billing_period string, period_start timestamp,
--   period_end timestamp, billing_reason string, metadata string, status string, created_at timestamp,
--   updated_at timestamp.
-- BigQuery: a BigLake table over the Delta table, through BigQuery Omni (BigQuery reads Amazon S3 only there): create
-- a BigQuery connection to AWS in the Omni region of the bucket (aws-us-east-1) and a dataset in that region, then
-- replace PROJECT.DATASET and CONNECTION_NAME.
-- The URI is the table's root: BigQuery reads the columns and the files of the latest version from its _delta_log/ (no
-- column list, no partitions, no time travel) and follows schema changes.
CREATE OR REPLACE EXTERNAL TABLE `PROJECT.DATASET.invoice`
WITH CONNECTION `aws-us-east-1.CONNECTION_NAME`
OPTIONS (
  format = 'DELTA_LAKE',
  uris = ['s3://acme-billing-exports/flexprice/invoice']
);
