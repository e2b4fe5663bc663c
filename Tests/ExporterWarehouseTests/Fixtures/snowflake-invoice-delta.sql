-- flexprice-exporter schema --engine snowflake: connection conn_01, entity invoice, Delta Lake table (table_format delta, format parquet, compression zstd)
-- over the table at s3://acme-billing-exports/flexprice/invoice/, its log in s3://acme-billing-exports/flexprice/invoice/_delta_log/
-- The table's schema (from its log; no partition columns): id string, tenant_id string, environment_id string,
--   customer_id string, subscription_id string, invoice_number string, invoice_type string, invoice_status string,
--   payment_status string, currency string, amount_due decimal(20,8), amount_paid decimal(20,8),
--   amount_remaining decimal(20,8), subtotal decimal(20,8), total decimal(20,8), due_date timestamp,
--   paid_at timestamp, voided_at timestamp, finalized_at timestamp, billing_period string, period_start timestamp,
--   period_end timestamp, billing_reason string, metadata string, status string, created_at timestamp,
--   updated_at timestamp.
-- Snowflake: an Iceberg table over the Delta table's files (Delta Direct): Snowflake reads the _delta_log/ and the
-- Parquet files in place, read only. Snowflake's docs recommend this over an external table with TABLE_FORMAT = DELTA:
-- it runs on the Iceberg tables' engine and refreshes itself (AUTO_REFRESH) as commits land.
-- Create once, with an IAM role that may read the bucket (ALLOW_WRITES = FALSE: Snowflake writes nothing there):
--   CREATE EXTERNAL VOLUME flexprice_exports STORAGE_LOCATIONS = ((NAME = 'flexprice-exports' STORAGE_PROVIDER = 'S3'
--     STORAGE_BASE_URL = 's3://acme-billing-exports/' STORAGE_AWS_ROLE_ARN = '<your_role_arn>')) ALLOW_WRITES = FALSE;
--   CREATE CATALOG INTEGRATION flexprice_delta CATALOG_SOURCE = OBJECT_STORE TABLE_FORMAT = DELTA ENABLED = TRUE;
-- BASE_LOCATION is the table's root relative to the volume's s3://acme-billing-exports/.
CREATE ICEBERG TABLE IF NOT EXISTS invoice
  EXTERNAL_VOLUME = 'flexprice_exports'
  CATALOG = 'flexprice_delta'
  BASE_LOCATION = 'flexprice/invoice/'
  AUTO_REFRESH = TRUE;
