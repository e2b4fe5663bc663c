-- flexprice-exporter schema --engine athena: connection conn_01, entity invoice, format csv, compression gzip
-- over s3://acme-billing-exports/flexprice/invoice/
-- Athena: a raw table of text columns with partition projection on the yyyy/MM/dd folders (dt = '2026/11/20'),
-- and a typed view over it. Athena reads every object in a folder, the _manifest.json files too: the view drops
-- their lines by "$path". Compression is found from the extension (.gz, .zst; ZSTD needs engine version 3).
-- OpenCSVSerDe reads RFC 4180 quoting but gives an empty string for an empty field and for "", so the view
-- reads both as NULL; it takes a backslash as an escape character, so a value holding one loses it (a jsonb
-- value with an escaped quote stops being JSON), and it does not read a line break inside a quoted value (the
-- row is split). Use ndjson or parquet for such data. Timestamps are RFC 3339 text, parsed by
-- from_iso8601_timestamp (milliseconds).
CREATE EXTERNAL TABLE IF NOT EXISTS `invoice_raw` (
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
  `amount_due` string,
  `amount_paid` string,
  `amount_remaining` string,
  `subtotal` string,
  `total` string,
  `due_date` string,
  `paid_at` string,
  `voided_at` string,
  `finalized_at` string,
  `billing_period` string,
  `period_start` string,
  `period_end` string,
  `billing_reason` string,
  `metadata` string,
  `status` string,
  `created_at` string,
  `updated_at` string
)
PARTITIONED BY (`dt` string)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '"')
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://acme-billing-exports/flexprice/invoice/'
TBLPROPERTIES (
  'skip.header.line.count' = '1',
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy/MM/dd',
  'projection.dt.range' = '2020/01/01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://acme-billing-exports/flexprice/invoice/${dt}/'
);

CREATE OR REPLACE VIEW "invoice" AS
SELECT
    NULLIF("id", '') AS "id",
    NULLIF("tenant_id", '') AS "tenant_id",
    NULLIF("environment_id", '') AS "environment_id",
    NULLIF("customer_id", '') AS "customer_id",
    NULLIF("subscription_id", '') AS "subscription_id",
    NULLIF("invoice_number", '') AS "invoice_number",
    NULLIF("invoice_type", '') AS "invoice_type",
    NULLIF("invoice_status", '') AS "invoice_status",
    NULLIF("payment_status", '') AS "payment_status",
    NULLIF("currency", '') AS "currency",
    CAST(NULLIF("amount_due", '') AS decimal(20,8)) AS "amount_due",
    CAST(NULLIF("amount_paid", '') AS decimal(20,8)) AS "amount_paid",
    CAST(NULLIF("amount_remaining", '') AS decimal(20,8)) AS "amount_remaining",
    CAST(NULLIF("subtotal", '') AS decimal(20,8)) AS "subtotal",
    CAST(NULLIF("total", '') AS decimal(20,8)) AS "total",
    CAST(from_iso8601_timestamp(NULLIF("due_date", '')) AS timestamp) AS "due_date",
    CAST(from_iso8601_timestamp(NULLIF("paid_at", '')) AS timestamp) AS "paid_at",
    CAST(from_iso8601_timestamp(NULLIF("voided_at", '')) AS timestamp) AS "voided_at",
    CAST(from_iso8601_timestamp(NULLIF("finalized_at", '')) AS timestamp) AS "finalized_at",
    NULLIF("billing_period", '') AS "billing_period",
    CAST(from_iso8601_timestamp(NULLIF("period_start", '')) AS timestamp) AS "period_start",
    CAST(from_iso8601_timestamp(NULLIF("period_end", '')) AS timestamp) AS "period_end",
    NULLIF("billing_reason", '') AS "billing_reason",
    NULLIF("metadata", '') AS "metadata",
    NULLIF("status", '') AS "status",
    CAST(from_iso8601_timestamp(NULLIF("created_at", '')) AS timestamp) AS "created_at",
    CAST(from_iso8601_timestamp(NULLIF("updated_at", '')) AS timestamp) AS "updated_at",
    "dt"
FROM "invoice_raw"
WHERE "$path" NOT LIKE '%manifest.json';
