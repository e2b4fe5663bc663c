-- clickhouse-demo-data.sql: FlexPrice usage in ClickHouse for the demo (load
-- db/clickhouse-schema.sql first). scripts/demo.sh sends these statements one by one through
-- ClickHouse's HTTP interface, as FlexPrice's own writers would: each ends with a semicolon at
-- the end of its line, and no other semicolon appears in this file.
--
-- Exported scope: tenant 'tenant_demo', environment 'env_demo'. Four days of usage,
-- 2026-11-18 to 2026-11-21 (UTC). The demo's daily window [2026-11-20, 2026-11-21) holds:
--   meter_usage 480 rows (after FINAL: 24 of them were re-sent with a later ingested_at and a
--     corrected quantity, so 504 rows are stored for that day),
--   events 480, feature_usage 200.
-- Rows that must NOT be exported: another tenant ('tenant_other'), another environment of
-- tenant_demo ('env_other'), and the other days.
-- Values include a comma, a double quote, unicode, a line break, NULLs (events), the smallest
-- and a large Decimal, and millisecond timestamps.
-- Not idempotent (ClickHouse has no unique keys): the demo loads it into a new engine each run.

-- meter_usage: one row every 3 minutes per day, for four days (480 a day).
INSERT INTO meter_usage (id, tenant_id, environment_id, external_customer_id, meter_id, event_name,
                         timestamp, ingested_at, qty_total, unique_hash, source, properties)
SELECT
    concat('mu_demo_', toString(toDate(ts)), '_', leftPad(toString(n % 480), 3, '0')),
    'tenant_demo',
    'env_demo',
    concat('ext_cust_', toString(n % 4 + 1)),
    ['meter_demo_api', 'meter_demo_storage', 'meter_demo_tokens'][n % 3 + 1],
    multiIf(n % 480 = 5, 'api_call, batch', ['api_call', 'storage_gb_hours', 'llm_tokens'][n % 3 + 1]),
    ts,
    toDateTime64(ts, 3) + toIntervalMillisecond(1500 + n % 1000),
    multiIf(n % 480 = 7, toDecimal64('9999999999.99999999', 8),
            n % 480 = 8, toDecimal64('0.00000001', 8),
            toDecimal64(toString(round((n % 97) * 1.25 + 0.125, 3)), 8)),
    if(n % 3 = 0, hex(MD5(toString(n))), ''),
    multiIf(n % 480 = 3, 'Zürich ☕', n % 2 = 0, 'api', 'sdk-python'),
    multiIf(n % 480 = 6, '{"customer":"ext \\"quoted\\" customer","note":"line one\\nline two"}',
            n % 480 = 9, '',
            concat('{"region":"', ['eu-west-1', 'us-east-1'][n % 2 + 1], '","units":', toString(n % 97), '}'))
FROM (SELECT number AS n, toDateTime('2026-11-18 00:00:00', 'UTC') + toIntervalSecond(n * 180) AS ts
      FROM numbers(4 * 480));

-- meter_usage re-sent: 24 rows of 2026-11-20 again, a minute later, with a corrected quantity
-- (ReplacingMergeTree(ingested_at) keeps these when read with FINAL).
INSERT INTO meter_usage (id, tenant_id, environment_id, external_customer_id, meter_id, event_name,
                         timestamp, ingested_at, qty_total, unique_hash, source, properties)
SELECT id, tenant_id, environment_id, external_customer_id, meter_id, event_name, timestamp,
       ingested_at + toIntervalMinute(1), qty_total + toDecimal64('0.5', 8), unique_hash, source,
       '{"corrected":true}'
FROM meter_usage
WHERE tenant_id = 'tenant_demo' AND toDate(timestamp) = '2026-11-20' AND toMinute(timestamp) % 60 = 0;

-- meter_usage outside the scope.
INSERT INTO meter_usage (id, tenant_id, environment_id, external_customer_id, meter_id, event_name,
                         timestamp, ingested_at, qty_total, source, properties)
VALUES ('mu_other_env_1', 'tenant_demo', 'env_other', 'ext_cust_1', 'meter_demo_api', 'api_call',
        '2026-11-20 12:00:00', '2026-11-20 12:00:01.000', 1, 'api', '{}'),
       ('mu_other_tenant_1', 'tenant_other', 'env_demo', 'ext_other_1', 'meter_other', 'api_call',
        '2026-11-20 12:00:00', '2026-11-20 12:00:01.000', 1, 'api', '{}');

-- events: the raw events behind meter_usage (one per usage row, Nullable columns sometimes NULL).
INSERT INTO events (id, tenant_id, environment_id, external_customer_id, customer_id, event_name,
                    source, timestamp, ingested_at, properties)
SELECT
    concat('ev_demo_', toString(toDate(ts)), '_', leftPad(toString(n % 480), 3, '0')),
    'tenant_demo',
    'env_demo',
    if(n % 50 = 0, NULL, concat('ext_cust_', toString(n % 4 + 1))),
    if(n % 10 = 0, NULL, concat('cust_demo_', toString(n % 4 + 1))),
    ['api_call', 'storage_gb_hours', 'llm_tokens'][n % 3 + 1],
    if(n % 25 = 0, NULL, multiIf(n % 480 = 3, 'Zürich ☕', n % 2 = 0, 'api', 'sdk-python')),
    toDateTime64(ts, 3) + toIntervalMillisecond(n % 1000),
    toDateTime64(ts, 3) + toIntervalMillisecond(1500 + n % 1000),
    if(n % 40 = 0, NULL, concat('{"units":', toString(n % 97), ',"path":"/v1/items?a=1,b=2"}'))
FROM (SELECT number AS n, toDateTime('2026-11-18 00:00:00', 'UTC') + toIntervalSecond(n * 180) AS ts
      FROM numbers(4 * 480));

-- feature_usage (the table of older installations): 200 rows on 2026-11-20, as in
-- db/demo-data.sql's PostgreSQL copy, plus rows outside the scope.
INSERT INTO feature_usage (id, tenant_id, environment_id, external_customer_id, event_name, customer_id,
                           subscription_id, sub_line_item_id, price_id, feature_id, meter_id, period_id,
                           timestamp, ingested_at, source, properties, unique_hash, qty_total)
SELECT
    concat('fu_demo_', leftPad(toString(g), 4, '0')),
    'tenant_demo',
    'env_demo',
    if(g = 6, 'ext "quoted" customer', concat('ext_cust_', toString(g % 4 + 1))),
    if(g = 5, 'api_call, batch', ['api_call', 'storage_gb_hours', 'llm_tokens'][g % 3 + 1]),
    concat('cust_demo_', toString(g % 4 + 1)),
    concat('sub_demo_', toString(g % 3 + 1)),
    concat('subli_demo_', toString(g % 3 + 1), '_', toString(g % 3)),
    concat('price_demo_', ['api', 'storage', 'tokens'][g % 3 + 1]),
    concat('feat_demo_', ['api', 'storage', 'tokens'][g % 3 + 1]),
    if(g % 10 = 0, NULL, concat('meter_demo_', ['api', 'storage', 'tokens'][g % 3 + 1])),
    toUInt64(toUnixTimestamp(toDateTime('2026-11-01 00:00:00', 'UTC'))) * 1000,
    toDateTime64('2026-11-20 00:00:00', 3, 'UTC') + toIntervalSecond((g - 1) * 431) + toIntervalMillisecond((g % 7) * 123),
    toDateTime64('2026-11-20 00:00:01.5', 3, 'UTC') + toIntervalSecond((g - 1) * 431),
    multiIf(g = 3, 'Zürich ☕', g = 9, 'line one\nline two', g % 2 = 0, 'api', NULL),
    concat('{"request":', toString(g), '}'),
    if(g % 4 = 0, NULL, hex(MD5(toString(g)))),
    multiIf(g = 7, toDecimal128('9999999999.999999999999999', 15),
            g = 8, toDecimal128('0.000000000000001', 15),
            toDecimal128(toString(g * 0.5), 15))
FROM (SELECT number + 1 AS g FROM numbers(200));

INSERT INTO feature_usage (id, tenant_id, environment_id, external_customer_id, event_name, customer_id,
                           subscription_id, sub_line_item_id, price_id, feature_id, meter_id, period_id,
                           timestamp, ingested_at, source, properties, unique_hash, qty_total)
VALUES ('fu_demo_before', 'tenant_demo', 'env_demo', 'ext_cust_1', 'api_call', 'cust_demo_1', 'sub_demo_1',
        'subli_demo_1_0', 'price_demo_api', 'feat_demo_api', 'meter_demo_api', 1793491200000,
        '2026-11-19 23:59:59.999', '2026-11-20 00:00:00.000', 'api', '{}', NULL, 1),
       ('fu_other_tenant_1', 'tenant_other', 'env_demo', 'ext_other_1', 'api_call', 'cust_other_1', 'sub_other',
        'subli_other', 'price_other', 'feat_other', NULL, 1793491200000,
        '2026-11-20 12:00:00.000', '2026-11-20 12:00:01.000', 'api', '{}', NULL, 1);
