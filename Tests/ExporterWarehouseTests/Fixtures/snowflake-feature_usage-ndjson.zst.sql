-- flexprice-exporter schema --engine snowflake: connection conn_01, entity feature_usage, format ndjson, compression zstd
-- over s3://acme-billing-exports/flexprice/feature_usage/
-- Snowflake: an external table partitioned by the window's date folder (dt), read through a stage on the bucket.
-- Create the stage once, with a storage integration that may read the bucket:
--   CREATE STAGE flexprice_exports URL = 's3://acme-billing-exports/' STORAGE_INTEGRATION = <your_integration>;
-- PATTERN matches the data objects and their _part-NNNN files, never the _manifest.json files.
-- AUTO_REFRESH = FALSE: run ALTER EXTERNAL TABLE feature_usage REFRESH; after new windows land (or set up S3 event notifications).
CREATE OR REPLACE FILE FORMAT feature_usage_ndjson
  TYPE = JSON
  COMPRESSION = ZSTD;

CREATE OR REPLACE EXTERNAL TABLE feature_usage (
  dt DATE AS TO_DATE(SPLIT_PART(METADATA$FILENAME, '/', 3) || '-' || SPLIT_PART(METADATA$FILENAME, '/', 4) || '-' || SPLIT_PART(METADATA$FILENAME, '/', 5), 'YYYY-MM-DD'),
  id VARCHAR AS (VALUE:"id"::VARCHAR),
  tenant_id VARCHAR AS (VALUE:"tenant_id"::VARCHAR),
  environment_id VARCHAR AS (VALUE:"environment_id"::VARCHAR),
  external_customer_id VARCHAR AS (VALUE:"external_customer_id"::VARCHAR),
  customer_id VARCHAR AS (VALUE:"customer_id"::VARCHAR),
  subscription_id VARCHAR AS (VALUE:"subscription_id"::VARCHAR),
  sub_line_item_id VARCHAR AS (VALUE:"sub_line_item_id"::VARCHAR),
  price_id VARCHAR AS (VALUE:"price_id"::VARCHAR),
  meter_id VARCHAR AS (VALUE:"meter_id"::VARCHAR),
  feature_id VARCHAR AS (VALUE:"feature_id"::VARCHAR),
  period_id NUMBER(19,0) AS (VALUE:"period_id"::NUMBER(19,0)),
  event_name VARCHAR AS (VALUE:"event_name"::VARCHAR),
  source VARCHAR AS (VALUE:"source"::VARCHAR),
  timestamp TIMESTAMP_TZ AS (VALUE:"timestamp"::TIMESTAMP_TZ),
  ingested_at TIMESTAMP_TZ AS (VALUE:"ingested_at"::TIMESTAMP_TZ),
  qty_total VARCHAR AS (VALUE:"qty_total"::VARCHAR),
  properties VARIANT AS (VALUE:"properties"),
  unique_hash VARCHAR AS (VALUE:"unique_hash"::VARCHAR)
)
PARTITION BY (dt)
LOCATION = @flexprice_exports/flexprice/feature_usage/
PATTERN = '.*/feature_usage_[0-9]{8}T[0-9]{6}Z_[0-9]{8}T[0-9]{6}Z(_part-[0-9]{4})?[.]ndjson[.]zst'
FILE_FORMAT = (FORMAT_NAME = 'feature_usage_ndjson')
AUTO_REFRESH = FALSE;
