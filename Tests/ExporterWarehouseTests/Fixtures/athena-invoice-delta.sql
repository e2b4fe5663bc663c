-- flexprice-exporter schema --engine athena: connection conn_01, entity invoice, Delta Lake table (table_format delta, format parquet, compression zstd)
-- over the table at s3://acme-billing-exports/flexprice/invoice/, its log in s3://acme-billing-exports/flexprice/invoice/_delta_log/
-- The table's schema (from its log; no partition columns): id string, tenant_id string, environment_id string,
--   customer_id string, subscription_id string, invoice_number string, invoice_type string, invoice_status string,
--   payment_status string, currency string, amount_due decimal(20,8), amount_paid decimal(20,8),
--   amount_remaining decimal(20,8), subtotal decimal(20,8), total decimal(20,8), due_date timestamp,
--   paid_at timestamp, voided_at timestamp, finalized_at timestamp, billing_period string, period_start timestamp,
--   period_end timestamp, billing_reason string, metadata string, status string, created_at timestamp,
--   updated_at timestamp.
-- Athena: a Delta Lake table (engine version 3). Athena infers the columns from the table's _delta_log/ and keeps
-- them in AWS Glue, so the statement names none, and it allows no table properties but LOCATION and table_type.
-- Queries read the latest committed version and skip files by the per-file statistics in the log; Athena has no
-- Delta time travel (query an earlier version with DuckDB, Spark or delta-rs).
CREATE EXTERNAL TABLE `invoice`
LOCATION 's3://acme-billing-exports/flexprice/invoice/'
TBLPROPERTIES ('table_type' = 'DELTA');
