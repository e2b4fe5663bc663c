-- flexprice-exporter schema --engine athena: connection conn_01, entity invoice, format parquet, compression zstd
-- over s3://acme-billing-exports/flexprice/invoice/
-- Athena: a Parquet table with partition projection on the yyyy/MM/dd folders (dt = '2026/11/20').
-- Athena reads every object in a folder and cannot skip the _manifest.json files, which are not Parquet,
-- so this table reads symlink lists instead: one per window, one s3:// URL per data object.
-- This connection's sync_config.s3.athena_symlinks is not true, so the exporter does not write them: set it to
-- true and every export from then on writes its window's list. For a window exported before, re-export it
-- (backfill --force), or build its list from its manifest:
--   m=flexprice/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z_manifest.json
--   aws s3 cp "s3://acme-billing-exports/$m" - | jq -r '.objects[].key | "s3://acme-billing-exports/" + .' \
--     | aws s3 cp - s3://acme-billing-exports/flexprice/athena-symlinks/invoice/2026/11/20/invoice_20261120T000000Z_20261121T000000Z.txt
-- Timestamps are UTC instants (isAdjustedToUTC); a window whose numeric(p,s) holds NaN, or whose timestamp holds
-- infinity, has that column as text in its files (docs/objects.md), which this table's type cannot read.
CREATE EXTERNAL TABLE IF NOT EXISTS `invoice` (
  `id` string,
  `tenant_id` string,
  `environment_id` string,
  `customer_id` string,
  `subscription_id` string,
  `invoice_number` string,
  `invoice_type` string,
  `invoice_status` string,
  `payment_status` string,
  `currency` string,
  `amount_due` decimal(20,8),
  `amount_paid` decimal(20,8),
  `amount_remaining` decimal(20,8),
  `subtotal` decimal(20,8),
  `total` decimal(20,8),
  `due_date` timestamp,
  `paid_at` timestamp,
  `voided_at` timestamp,
  `finalized_at` timestamp,
  `billing_period` string,
  `period_start` timestamp,
  `period_end` timestamp,
  `billing_reason` string,
  `metadata` string,
  `status` string,
  `created_at` timestamp,
  `updated_at` timestamp
)
PARTITIONED BY (`dt` string)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://acme-billing-exports/flexprice/athena-symlinks/invoice/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy/MM/dd',
  'projection.dt.range' = '2020/01/01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://acme-billing-exports/flexprice/athena-symlinks/invoice/${dt}/'
);
