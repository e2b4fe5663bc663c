-- flexprice-exporter schema --engine snowflake: connection conn_01, entity invoice, format csv, compression gzip
-- over s3://acme-billing-exports/flexprice/invoice/
-- Snowflake: an external table partitioned by the window's date folder (dt), read through a stage on the bucket.
-- Create the stage once, with a storage integration that may read the bucket:
--   CREATE STAGE flexprice_exports URL = 's3://acme-billing-exports/' STORAGE_INTEGRATION = <your_integration>;
-- PATTERN matches the data objects and their _part-NNNN files, never the _manifest.json files.
-- AUTO_REFRESH = FALSE: run ALTER EXTERNAL TABLE invoice REFRESH; after new windows land (or set up S3 event notifications).
CREATE OR REPLACE FILE FORMAT invoice_csv
  TYPE = CSV
  COMPRESSION = GZIP
  FIELD_DELIMITER = ','
  SKIP_HEADER = 1
  FIELD_OPTIONALLY_ENCLOSED_BY = '"'
  EMPTY_FIELD_AS_NULL = TRUE
  NULL_IF = ();

CREATE OR REPLACE EXTERNAL TABLE invoice (
  dt DATE AS TO_DATE(SPLIT_PART(METADATA$FILENAME, '/', 3) || '-' || SPLIT_PART(METADATA$FILENAME, '/', 4) || '-' || SPLIT_PART(METADATA$FILENAME, '/', 5), 'YYYY-MM-DD'),
  id VARCHAR AS (VALUE:c1::VARCHAR),
  tenant_id VARCHAR AS (VALUE:c2::VARCHAR),
  environment_id VARCHAR AS (VALUE:c3::VARCHAR),
  customer_id VARCHAR AS (VALUE:c4::VARCHAR),
  subscription_id VARCHAR AS (VALUE:c5::VARCHAR),
  invoice_number VARCHAR AS (VALUE:c6::VARCHAR),
  invoice_type VARCHAR AS (VALUE:c7::VARCHAR),
  invoice_status VARCHAR AS (VALUE:c8::VARCHAR),
  payment_status VARCHAR AS (VALUE:c9::VARCHAR),
  currency VARCHAR AS (VALUE:c10::VARCHAR),
  amount_due NUMBER(20,8) AS (VALUE:c11::NUMBER(20,8)),
  amount_paid NUMBER(20,8) AS (VALUE:c12::NUMBER(20,8)),
  amount_remaining NUMBER(20,8) AS (VALUE:c13::NUMBER(20,8)),
  subtotal NUMBER(20,8) AS (VALUE:c14::NUMBER(20,8)),
  total NUMBER(20,8) AS (VALUE:c15::NUMBER(20,8)),
  due_date TIMESTAMP_TZ AS (VALUE:c16::TIMESTAMP_TZ),
  paid_at TIMESTAMP_TZ AS (VALUE:c17::TIMESTAMP_TZ),
  voided_at TIMESTAMP_TZ AS (VALUE:c18::TIMESTAMP_TZ),
  finalized_at TIMESTAMP_TZ AS (VALUE:c19::TIMESTAMP_TZ),
  billing_period VARCHAR AS (VALUE:c20::VARCHAR),
  period_start TIMESTAMP_TZ AS (VALUE:c21::TIMESTAMP_TZ),
  period_end TIMESTAMP_TZ AS (VALUE:c22::TIMESTAMP_TZ),
  billing_reason VARCHAR AS (VALUE:c23::VARCHAR),
  metadata VARIANT AS (PARSE_JSON(VALUE:c24::VARCHAR)),
  status VARCHAR AS (VALUE:c25::VARCHAR),
  created_at TIMESTAMP_TZ AS (VALUE:c26::TIMESTAMP_TZ),
  updated_at TIMESTAMP_TZ AS (VALUE:c27::TIMESTAMP_TZ)
)
PARTITION BY (dt)
LOCATION = @flexprice_exports/flexprice/invoice/
PATTERN = '.*/invoice_[0-9]{8}T[0-9]{6}Z_[0-9]{8}T[0-9]{6}Z(_part-[0-9]{4})?[.]csv[.]gz'
FILE_FORMAT = (FORMAT_NAME = 'invoice_csv')
AUTO_REFRESH = FALSE;
