-- flexprice-exporter schema --engine athena: connection conn_01, entity feature_usage, format ndjson, compression gzip
-- over s3://acme-billing-exports/flexprice/feature_usage/
-- Athena: a raw table of text columns with partition projection on the yyyy/MM/dd folders (dt = '2026/11/20'),
-- and a typed view over it. Athena reads every object in a folder, the _manifest.json files too: the view drops
-- their lines by "$path". Compression is found from the extension (.gz, .zst; ZSTD needs engine version 3).
-- The OpenX JSON SerDe reads one object per line; ignore.malformed.json makes the manifest's lines NULL rows,
-- which the view drops. A jsonb value arrives as its JSON text. Timestamps are parsed by from_iso8601_timestamp
-- (milliseconds).
CREATE EXTERNAL TABLE IF NOT EXISTS `feature_usage_raw` (
  `id` string,
  `tenant_id` string,
  `environment_id` string,
  `external_customer_id` string,
  `customer_id` string,
  `subscription_id` string,
  `sub_line_item_id` string,
  `price_id` string,
  `meter_id` string,
  `feature_id` string,
  `period_id` string,
  `event_name` string,
  `source` string,
  `timestamp` string,
  `ingested_at` string,
  `qty_total` string,
  `properties` string,
  `unique_hash` string
)
PARTITIONED BY (`dt` string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true')
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://acme-billing-exports/flexprice/feature_usage/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy/MM/dd',
  'projection.dt.range' = '2020/01/01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://acme-billing-exports/flexprice/feature_usage/${dt}/'
);

CREATE OR REPLACE VIEW "feature_usage" AS
SELECT
    "id" AS "id",
    "tenant_id" AS "tenant_id",
    "environment_id" AS "environment_id",
    "external_customer_id" AS "external_customer_id",
    "customer_id" AS "customer_id",
    "subscription_id" AS "subscription_id",
    "sub_line_item_id" AS "sub_line_item_id",
    "price_id" AS "price_id",
    "meter_id" AS "meter_id",
    "feature_id" AS "feature_id",
    CAST("period_id" AS bigint) AS "period_id",
    "event_name" AS "event_name",
    "source" AS "source",
    CAST(from_iso8601_timestamp("timestamp") AS timestamp) AS "timestamp",
    CAST(from_iso8601_timestamp("ingested_at") AS timestamp) AS "ingested_at",
    "qty_total" AS "qty_total",
    "properties" AS "properties",
    "unique_hash" AS "unique_hash",
    "dt"
FROM "feature_usage_raw"
WHERE "$path" NOT LIKE '%manifest.json';
