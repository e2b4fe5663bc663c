-- flexprice-exporter schema --engine duckdb: connection conn_01, entity meter_usage, Delta Lake table (table_format delta, format parquet, compression zstd)
-- over the table at s3://acme-billing-exports/flexprice/meter_usage/, its log in s3://acme-billing-exports/flexprice/meter_usage/_delta_log/
-- The table's schema (from its log; no partition columns): id string, tenant_id string, environment_id string,
--   external_customer_id string, meter_id string, event_name string, timestamp timestamp, ingested_at timestamp,
--   qty_total string, unique_hash string, source string, properties string.
-- DuckDB: a view over the Delta table (duckdb.org/docs/stable/core_extensions/delta). The delta extension loads on
-- first use (or INSTALL delta; LOAD delta;); s3:// needs credentials, e.g.
--   CREATE SECRET (TYPE s3, PROVIDER credential_chain);
-- Each query reads the latest committed version from the log and skips files by their statistics there.
-- An earlier version (time travel): SELECT * FROM delta_scan('s3://acme-billing-exports/flexprice/meter_usage', version => 3);
CREATE OR REPLACE VIEW "meter_usage" AS
SELECT * FROM delta_scan('s3://acme-billing-exports/flexprice/meter_usage');
