-- FlexPrice's usage tables in ClickHouse, for the tests and the demo (loaded by
-- scripts/clickhouse-front.py at start-up; every statement is idempotent).
--
-- Written for this project from the facts of FlexPrice's ClickHouse schema, not copied:
--   * events, meter_usage: the baseline FlexPrice generated with SHOW CREATE against its
--     server (migrations/baseline/clickhouse_baseline_20260819.sql at e4b5303fd): column
--     names and declared types, ReplacingMergeTree(ingested_at), daily partitions on
--     timestamp, and the primary and sorting keys.
--     The baseline is the live layout and wins where the older per-table migrations differ:
--     migrations/clickhouse/000007_create_meter_usage.sql declares qty_total Decimal(25, 15)
--     (the baseline and the server have Decimal(18, 8)); 000001_create_events_table.up.sql
--     declares external_customer_id, event_name and properties NOT NULL (the baseline has
--     them Nullable).
--   * feature_usage: the table of older installations, from
--     migrations/clickhouse/000005_create_feature_usage_table.up.sql as it was before commit
--     e1ed8d808 removed it: meter_id, source and unique_hash are Nullable(String), and the
--     table also holds processed_at, version and sign (ReplacingMergeTree(version)), which
--     the exporter does not export.
-- Left out, because they do not change what a query returns: column codecs, skip indexes,
-- the events projection, CHECK constraints and MergeTree tuning settings.

CREATE DATABASE IF NOT EXISTS flexprice;

-- Raw events as ingested (one row per event; a re-sent event id replaces the older row).
CREATE TABLE IF NOT EXISTS flexprice.events
(
    id                   String,
    tenant_id            String,
    external_customer_id Nullable(String),
    environment_id       String,
    event_name           Nullable(String),
    customer_id          Nullable(String),
    source               Nullable(String),
    timestamp            DateTime64(3) DEFAULT now(),
    ingested_at          DateTime64(3) DEFAULT now(),
    properties           Nullable(String)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMMDD(timestamp)
PRIMARY KEY (tenant_id, environment_id)
ORDER BY (tenant_id, environment_id, timestamp, id);

-- Metered usage: what FlexPrice's own usage export reads since 2026.
CREATE TABLE IF NOT EXISTS flexprice.meter_usage
(
    id                   String,
    tenant_id            LowCardinality(String),
    environment_id       LowCardinality(String),
    external_customer_id LowCardinality(String),
    meter_id             LowCardinality(String),
    event_name           LowCardinality(String),
    timestamp            DateTime,
    ingested_at          DateTime64(3) DEFAULT now64(3),
    qty_total            Decimal(18, 8),
    unique_hash          String DEFAULT '',
    source               LowCardinality(String) DEFAULT '',
    properties           String DEFAULT ''
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMMDD(timestamp)
PRIMARY KEY (tenant_id, environment_id, external_customer_id, meter_id, timestamp)
ORDER BY (tenant_id, environment_id, external_customer_id, meter_id, timestamp, id);

-- Usage resolved to subscriptions and features (older installations).
CREATE TABLE IF NOT EXISTS flexprice.feature_usage
(
    id                   String,
    tenant_id            String,
    environment_id       String,
    external_customer_id String,
    event_name           String,
    customer_id          String,
    subscription_id      String,
    sub_line_item_id     String,
    price_id             String,
    feature_id           String,
    meter_id             Nullable(String),
    period_id            UInt64,
    timestamp            DateTime64(3),
    ingested_at          DateTime64(3),
    processed_at         DateTime64(3) DEFAULT now64(3),
    source               Nullable(String),
    properties           String,
    unique_hash          Nullable(String),
    qty_total            Decimal(25, 15),
    version              UInt64 DEFAULT toUnixTimestamp64Milli(now64()),
    sign                 Int8 DEFAULT 1
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMMDD(timestamp)
PRIMARY KEY (tenant_id, environment_id, customer_id, timestamp)
ORDER BY (tenant_id, environment_id, customer_id, timestamp, period_id, feature_id, sub_line_item_id, id);
