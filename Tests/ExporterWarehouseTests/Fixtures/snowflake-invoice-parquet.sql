-- flexprice-exporter schema --engine snowflake: connection conn_01, entity invoice, format parquet, compression zstd
-- over s3://acme-billing-exports/flexprice/invoice/
-- Snowflake: an external table partitioned by the window's date folder (dt), read through a stage on the bucket.
-- Create the stage once, with a storage integration that may read the bucket:
--   CREATE STAGE flexprice_exports URL = 's3://acme-billing-exports/' STORAGE_INTEGRATION = <your_integration>;
-- PATTERN matches the data objects and their _part-NNNN files, never the _manifest.json files.
-- AUTO_REFRESH = FALSE: run ALTER EXTERNAL TABLE invoice REFRESH; after new windows land (or set up S3 event notifications).
CREATE OR REPLACE FILE FORMAT invoice_parquet
  TYPE = PARQUET
  USE_LOGICAL_TYPE = TRUE;

CREATE OR REPLACE EXTERNAL TABLE invoice (
  dt DATE AS TO_DATE(SPLIT_PART(METADATA$FILENAME, '/', 3) || '-' || SPLIT_PART(METADATA$FILENAME, '/', 4) || '-' || SPLIT_PART(METADATA$FILENAME, '/', 5), 'YYYY-MM-DD'),
  id VARCHAR AS (VALUE:"id"::VARCHAR),
  tenant_id VARCHAR AS (VALUE:"tenant_id"::VARCHAR),
  environment_id VARCHAR AS (VALUE:"environment_id"::VARCHAR),
  customer_id VARCHAR AS (VALUE:"customer_id"::VARCHAR),
  subscription_id VARCHAR AS (VALUE:"subscription_id"::VARCHAR),
  invoice_number VARCHAR AS (VALUE:"invoice_number"::VARCHAR),
  invoice_type VARCHAR AS (VALUE:"invoice_type"::VARCHAR),
  invoice_status VARCHAR AS (VALUE:"invoice_status"::VARCHAR),
  payment_status VARCHAR AS (VALUE:"payment_status"::VARCHAR),
  currency VARCHAR AS (VALUE:"currency"::VARCHAR),
  amount_due NUMBER(20,8) AS (VALUE:"amount_due"::NUMBER(20,8)),
  amount_paid NUMBER(20,8) AS (VALUE:"amount_paid"::NUMBER(20,8)),
  amount_remaining NUMBER(20,8) AS (VALUE:"amount_remaining"::NUMBER(20,8)),
  subtotal NUMBER(20,8) AS (VALUE:"subtotal"::NUMBER(20,8)),
  total NUMBER(20,8) AS (VALUE:"total"::NUMBER(20,8)),
  due_date TIMESTAMP_TZ AS (VALUE:"due_date"::TIMESTAMP_TZ),
  paid_at TIMESTAMP_TZ AS (VALUE:"paid_at"::TIMESTAMP_TZ),
  voided_at TIMESTAMP_TZ AS (VALUE:"voided_at"::TIMESTAMP_TZ),
  finalized_at TIMESTAMP_TZ AS (VALUE:"finalized_at"::TIMESTAMP_TZ),
  billing_period VARCHAR AS (VALUE:"billing_period"::VARCHAR),
  period_start TIMESTAMP_TZ AS (VALUE:"period_start"::TIMESTAMP_TZ),
  period_end TIMESTAMP_TZ AS (VALUE:"period_end"::TIMESTAMP_TZ),
  billing_reason VARCHAR AS (VALUE:"billing_reason"::VARCHAR),
  metadata VARIANT AS (PARSE_JSON(VALUE:"metadata"::VARCHAR)),
  status VARCHAR AS (VALUE:"status"::VARCHAR),
  created_at TIMESTAMP_TZ AS (VALUE:"created_at"::TIMESTAMP_TZ),
  updated_at TIMESTAMP_TZ AS (VALUE:"updated_at"::TIMESTAMP_TZ)
)
PARTITION BY (dt)
LOCATION = @flexprice_exports/flexprice/invoice/
PATTERN = '.*/invoice_[0-9]{8}T[0-9]{6}Z_[0-9]{8}T[0-9]{6}Z(_part-[0-9]{4})?[.]parquet'
FILE_FORMAT = (FORMAT_NAME = 'invoice_parquet')
AUTO_REFRESH = FALSE;
