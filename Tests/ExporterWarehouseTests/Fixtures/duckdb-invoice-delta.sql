-- flexprice-exporter schema --engine duckdb: connection conn_01, entity invoice, Delta Lake table (table_format delta, format parquet, compression zstd)
-- over the table at s3://acme-billing-exports/flexprice/invoice/, its log in s3://acme-billing-exports/flexprice/invoice/_delta_log/
-- The table's schema (from its log; no partition columns): id string, tenant_id string, environment_id string,
--   customer_id string, subscription_id string, invoice_number string, invoice_type string, invoice_status string,
--   payment_status string, currency string, amount_due decimal(20,8), amount_paid decimal(20,8),
--   amount_remaining decimal(20,8), subtotal decimal(20,8), total decimal(20,8), due_date timestamp,
--   paid_at timestamp, voided_at timestamp, finalized_at timestamp, billing_period string, period_start timestamp,
--   period_end timestamp, billing_reason string, metadata string, status string, created_at timestamp,
--   updated_at timestamp.
-- DuckDB: a view over the Delta table (duckdb.org/docs/stable/core_extensions/delta). The delta extension loads on
-- first use (or INSTALL delta; LOAD delta;); s3:// needs credentials, e.g.
--   CREATE SECRET (TYPE s3, PROVIDER credential_chain);
-- Each query reads the latest committed version from the log and skips files by their statistics there.
-- An earlier version (time travel): SELECT * FROM delta_scan('s3://acme-billing-exports/flexprice/invoice', version => 3);
CREATE OR REPLACE VIEW "invoice" AS
SELECT * FROM delta_scan('s3://acme-billing-exports/flexprice/invoice');
