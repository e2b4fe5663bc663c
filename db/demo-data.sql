-- demo-data.sql: sample FlexPrice rows for the demo and tests (load db/flexprice-schema.sql first).
--
-- Exported scope: tenant 'tenant_demo', environment 'env_demo'; everything in it changes on
-- 2026-11-20 (UTC), so the daily window [2026-11-20, 2026-11-21) holds:
--   feature_usage 200, customers 4, invoices 4, prices 3, subscriptions 3, credit_notes 2.
-- Values include a comma, a double quote, an embedded newline, unicode and NULLs.
-- Rows that must NOT be exported: another tenant ('tenant_other'), another environment of
-- tenant_demo ('env_other'), and tenant_demo/env_demo rows just outside the window.
-- No connections: the demo inserts its connection itself (its secrets are encrypted then).
-- Idempotent: re-running inserts nothing new.

-- feature_usage: 200 events spread over the day (every 7m11s; some with microseconds).
INSERT INTO feature_usage (
    id, tenant_id, environment_id, external_customer_id, customer_id, subscription_id,
    sub_line_item_id, price_id, meter_id, feature_id, period_id, event_name, source,
    "timestamp", ingested_at, qty_total, properties, unique_hash)
SELECT
    'fu_demo_' || lpad(g::text, 4, '0'),
    'tenant_demo',
    'env_demo',
    CASE WHEN g = 6 THEN 'ext "quoted" customer' ELSE 'ext_cust_' || (g % 4 + 1) END,
    CASE WHEN g % 10 = 0 THEN NULL ELSE 'cust_demo_' || (g % 4 + 1) END,
    'sub_demo_' || (g % 3 + 1),
    'subli_demo_' || (g % 3 + 1) || '_' || (g % 3),
    'price_demo_' || (ARRAY['api', 'storage', 'tokens'])[g % 3 + 1],
    'meter_demo_' || (ARRAY['api', 'storage', 'tokens'])[g % 3 + 1],
    'feat_demo_' || (ARRAY['api', 'storage', 'tokens'])[g % 3 + 1],
    (extract(epoch FROM timestamptz '2026-11-01 00:00:00+00') * 1000)::bigint,
    CASE WHEN g = 5 THEN 'api_call, batch'
         ELSE (ARRAY['api_call', 'storage_gb_hours', 'llm_tokens'])[g % 3 + 1] END,
    CASE WHEN g = 3 THEN 'Zürich ☕'
         WHEN g = 9 THEN E'line one\nline two'
         WHEN g % 2 = 0 THEN 'api'
         ELSE 'sdk-python' END,
    timestamptz '2026-11-20 00:00:00+00' + (g - 1) * interval '7 minutes 11 seconds'
        + (g % 7) * interval '0.123457 seconds',
    CASE WHEN g % 50 = 0 THEN NULL
         ELSE timestamptz '2026-11-20 00:00:01.5+00' + (g - 1) * interval '7 minutes 11 seconds' END,
    CASE WHEN g = 7 THEN 9999999999.999999999999999
         WHEN g = 8 THEN 0.000000000000001
         WHEN g % 3 = 0 THEN 1
         WHEN g % 3 = 1 THEN round(g * 0.0137, 6)
         ELSE g * 17 + 0.5 END,
    CASE WHEN g = 10 THEN NULL
         WHEN g = 3 THEN jsonb_build_object('note', E'a, "quoted"\nnote ☕', 'region', 'eu-central-1')
         ELSE jsonb_build_object(
             'endpoint', '/v1/' || (ARRAY['events', 'customers', 'invoices'])[g % 3 + 1],
             'method', CASE WHEN g % 4 = 0 THEN 'GET' ELSE 'POST' END,
             'status_code', CASE WHEN g % 25 = 0 THEN 500 ELSE 200 END,
             'latency_ms', g % 90 + 0.25,
             'region', (ARRAY['us-east-1', 'eu-west-1'])[g % 2 + 1]) END,
    CASE WHEN g % 40 = 0 THEN NULL
         ELSE encode(sha256(convert_to('fu_demo_' || g, 'UTF8')), 'hex') END
FROM generate_series(1, 200) AS g
ON CONFLICT (id) DO NOTHING;

-- feature_usage that must not be exported from tenant_demo/env_demo for 2026-11-20.
INSERT INTO feature_usage (id, tenant_id, environment_id, customer_id, event_name, source,
                           "timestamp", qty_total, properties) VALUES
    ('fu_demo_before', 'tenant_demo', 'env_demo', 'cust_demo_1', 'api_call', 'api',
     '2026-11-19 23:59:59.999999+00', 1, '{"edge": "before window"}'),
    ('fu_demo_at_end', 'tenant_demo', 'env_demo', 'cust_demo_1', 'api_call', 'api',
     '2026-11-21 00:00:00+00', 1, '{"edge": "window end is exclusive"}'),
    ('fu_other_env_1', 'tenant_demo', 'env_other', 'cust_demo_1', 'api_call', 'api',
     '2026-11-20 10:00:00+00', 1, '{"scope": "other environment"}'),
    ('fu_other_env_2', 'tenant_demo', 'env_other', 'cust_demo_2', 'api_call', 'api',
     '2026-11-20 11:00:00+00', 2, '{"scope": "other environment"}'),
    ('fu_other_tenant_1', 'tenant_other', 'env_demo', 'cust_other_1', 'api_call', 'api',
     '2026-11-20 10:00:00+00', 1, '{"scope": "other tenant"}'),
    ('fu_other_tenant_2', 'tenant_other', 'env_demo', 'cust_other_1', 'api_call', 'api',
     '2026-11-20 12:00:00+00', 3, '{"scope": "other tenant"}')
ON CONFLICT (id) DO NOTHING;

INSERT INTO customers (id, tenant_id, environment_id, external_id, name, email, address_line1,
                       address_line2, address_city, address_state, address_postal_code,
                       address_country, metadata, status, created_at, updated_at) VALUES
    ('cust_demo_1', 'tenant_demo', 'env_demo', 'ext_cust_1', 'Acme, Inc.', 'billing@acme.example',
     '1 Market St', 'Suite 100', 'San Francisco', 'CA', '94105', 'US',
     '{"plan": "growth", "seats": 25}', 'published',
     '2026-10-01 09:00:00+00', '2026-11-20 08:15:00+00'),
    ('cust_demo_2', 'tenant_demo', 'env_demo', 'ext_cust_2', 'The "Quoted" Company', NULL,
     E'Bahnhofstrasse 1\nc/o Reception', NULL, 'Zürich ☕', NULL, '8001', 'CH',
     '{"note": "unicode ✓ and \"quotes\""}', 'published',
     '2026-10-02 10:00:00+00', '2026-11-20 09:30:00.123456+00'),
    ('cust_demo_3', 'tenant_demo', 'env_demo', 'ext_cust_3', 'Globex GmbH', 'ap@globex.example',
     'Unter den Linden 5', NULL, 'Berlin', 'BE', '10117', 'DE', NULL, 'archived',
     '2026-09-15 12:00:00+00', '2026-11-20 12:00:00+00'),
    ('cust_demo_4', 'tenant_demo', 'env_demo', 'ext_cust_4', 'Initech', 'finance@initech.example',
     NULL, NULL, NULL, NULL, NULL, NULL, '{}', 'deleted',
     '2026-08-01 00:00:00+00', '2026-11-20 23:59:59.999999+00'),
    ('cust_demo_old', 'tenant_demo', 'env_demo', 'ext_cust_old', 'Unchanged Ltd', NULL,
     NULL, NULL, NULL, NULL, NULL, 'GB', NULL, 'published',
     '2026-01-01 00:00:00+00', '2026-11-19 12:00:00+00'),
    ('cust_other_env_1', 'tenant_demo', 'env_other', 'ext_cust_1', 'Acme (staging)', NULL,
     NULL, NULL, NULL, NULL, NULL, 'US', NULL, 'published',
     '2026-11-20 08:00:00+00', '2026-11-20 08:00:00+00'),
    ('cust_other_1', 'tenant_other', 'env_demo', 'ext_other_1', 'Other Tenant Co', NULL,
     NULL, NULL, NULL, NULL, NULL, 'FR', NULL, 'published',
     '2026-11-20 08:00:00+00', '2026-11-20 08:00:00+00')
ON CONFLICT (id) DO NOTHING;

INSERT INTO invoices (id, tenant_id, environment_id, customer_id, subscription_id, invoice_number,
                      invoice_type, invoice_status, payment_status, currency, amount_due,
                      amount_paid, amount_remaining, subtotal, total, due_date, paid_at,
                      voided_at, finalized_at, billing_period, period_start, period_end,
                      billing_reason, metadata, status, created_at, updated_at) VALUES
    ('inv_demo_1', 'tenant_demo', 'env_demo', 'cust_demo_1', 'sub_demo_1', 'INV-2026-0001',
     'SUBSCRIPTION', 'FINALIZED', 'SUCCEEDED', 'usd', 1234.5, 1234.5, 0, 1234.5, 1234.5,
     '2026-11-30 00:00:00+00', '2026-11-20 14:02:11.5+00', NULL, '2026-11-20 00:05:00+00',
     'MONTHLY', '2026-10-01 00:00:00+00', '2026-11-01 00:00:00+00', 'SUBSCRIPTION_CYCLE',
     '{"po_number": "PO-42"}', 'published', '2026-11-01 00:05:00+00', '2026-11-20 14:02:11.5+00'),
    ('inv_demo_2', 'tenant_demo', 'env_demo', 'cust_demo_2', 'sub_demo_2', 'INV-2026-0002',
     'SUBSCRIPTION', 'FINALIZED', 'PENDING', 'chf', 999999999999.99999999, 0,
     999999999999.99999999, 999999999999.99999999, 999999999999.99999999,
     '2026-12-01 00:00:00+00', NULL, NULL, '2026-11-20 00:10:00+00',
     'MONTHLY', '2026-10-01 00:00:00+00', '2026-11-01 00:00:00+00', 'SUBSCRIPTION_CYCLE',
     '{"memo": "largest numeric(20,8)"}', 'published', '2026-11-01 00:10:00+00', '2026-11-20 00:10:00+00'),
    ('inv_demo_3', 'tenant_demo', 'env_demo', 'cust_demo_3', NULL, 'INV-2026-0003',
     'ONE_OFF', 'VOIDED', 'PENDING', 'eur', 0.00000001, 0, 0.00000001, 0.00000001, 0.00000001,
     NULL, NULL, '2026-11-20 16:45:00+00', NULL, NULL, NULL, NULL, 'MANUAL',
     E'{"reason": "duplicate, \\"re-issued\\"\\nsee INV-2026-0004"}', 'published',
     '2026-11-19 16:00:00+00', '2026-11-20 16:45:00+00'),
    ('inv_demo_4', 'tenant_demo', 'env_demo', 'cust_demo_3', NULL, 'INV-2026-0004',
     'ONE_OFF', 'DRAFT', 'PENDING', 'eur', 10, 0, 10, 10, 10,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'MANUAL', NULL, 'published',
     '2026-11-20 16:50:00+00', '2026-11-20 16:50:00+00'),
    ('inv_other_tenant_1', 'tenant_other', 'env_demo', 'cust_other_1', NULL, 'OT-0001',
     'ONE_OFF', 'FINALIZED', 'PENDING', 'eur', 5, 0, 5, 5, 5,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'MANUAL', NULL, 'published',
     '2026-11-20 10:00:00+00', '2026-11-20 10:00:00+00')
ON CONFLICT (id) DO NOTHING;

INSERT INTO prices (id, tenant_id, environment_id, amount, currency, display_amount, type,
                    billing_period, billing_period_count, billing_model, billing_cadence,
                    invoice_cadence, meter_id, tier_mode, tiers, lookup_key, description,
                    metadata, status, created_at, updated_at) VALUES
    ('price_demo_api', 'tenant_demo', 'env_demo', 0.000125, 'usd', '$0.000125', 'USAGE',
     'MONTHLY', 1, 'FLAT_FEE', 'RECURRING', 'ARREAR', 'meter_demo_api', NULL, NULL,
     'api-calls', 'API calls, billed per call', '{"unit": "call"}', 'published',
     '2026-10-01 00:00:00+00', '2026-11-20 07:00:00+00'),
    ('price_demo_storage', 'tenant_demo', 'env_demo', NULL, 'usd', NULL, 'USAGE',
     'MONTHLY', 1, 'TIERED', 'RECURRING', 'ARREAR', 'meter_demo_storage', 'VOLUME',
     '[{"up_to": 100, "unit_amount": "0.10"}, {"up_to": null, "unit_amount": "0.08"}]',
     'storage-gb-hours', E'Storage "GB-hours"\nvolume tiers', NULL, 'published',
     '2026-10-01 00:00:00+00', '2026-11-20 07:05:00+00'),
    ('price_demo_tokens', 'tenant_demo', 'env_demo', 1234567890.123456789012345, 'eur',
     '€1,234,567,890.12', 'USAGE', 'ANNUAL', 1, 'PACKAGE', 'RECURRING', 'ADVANCE',
     'meter_demo_tokens', NULL, NULL, 'llm-tokens', 'Tokens – Zürich ☕ region',
     '{"package_size": 1000}', 'archived', '2026-10-01 00:00:00+00', '2026-11-20 07:10:00+00'),
    ('price_other_env_1', 'tenant_demo', 'env_other', 1, 'usd', '$1', 'FIXED', 'MONTHLY', 1,
     'FLAT_FEE', 'RECURRING', 'ADVANCE', NULL, NULL, NULL, NULL, NULL, NULL, 'published',
     '2026-11-20 07:00:00+00', '2026-11-20 07:00:00+00')
ON CONFLICT (id) DO NOTHING;

INSERT INTO subscriptions (id, tenant_id, environment_id, lookup_key, customer_id, plan_id,
                           subscription_status, currency, billing_anchor, start_date, end_date,
                           current_period_start, current_period_end, cancelled_at, cancel_at,
                           cancel_at_period_end, trial_start, trial_end, billing_cadence,
                           billing_period, billing_period_count, metadata, status,
                           created_at, updated_at) VALUES
    ('sub_demo_1', 'tenant_demo', 'env_demo', 'acme-growth', 'cust_demo_1', 'plan_growth',
     'active', 'usd', '2026-10-01 00:00:00+00', '2026-10-01 00:00:00+00', NULL,
     '2026-11-01 00:00:00+00', '2026-12-01 00:00:00+00', NULL, NULL, false, NULL, NULL,
     'RECURRING', 'MONTHLY', 1, '{"sales_rep": "Jane"}', 'published',
     '2026-10-01 00:00:00+00', '2026-11-20 03:00:00+00'),
    ('sub_demo_2', 'tenant_demo', 'env_demo', NULL, 'cust_demo_2', 'plan_starter',
     'trialing', 'chf', '2026-11-15 00:00:00+00', '2026-11-15 00:00:00+00', NULL,
     '2026-11-15 00:00:00+00', '2026-12-15 00:00:00+00', NULL, NULL, NULL,
     '2026-11-15 00:00:00+00', '2026-11-29 00:00:00+00', 'RECURRING', 'MONTHLY', 1,
     '{"note": "Zürich ☕, \"trial\""}', 'published',
     '2026-11-15 00:00:00+00', '2026-11-20 04:00:00.000001+00'),
    ('sub_demo_3', 'tenant_demo', 'env_demo', 'globex-annual', 'cust_demo_3', 'plan_enterprise',
     'cancelled', 'eur', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00',
     '2026-11-20 18:00:00+00', '2026-01-01 00:00:00+00', '2027-01-01 00:00:00+00',
     '2026-11-20 18:00:00+00', '2026-11-20 18:00:00+00', true, NULL, NULL,
     'RECURRING', 'ANNUAL', 1, NULL, 'published',
     '2026-01-01 00:00:00+00', '2026-11-20 18:00:00+00'),
    ('sub_other_tenant_1', 'tenant_other', 'env_demo', NULL, 'cust_other_1', 'plan_x',
     'active', 'eur', NULL, '2026-11-20 00:00:00+00', NULL, NULL, NULL, NULL, NULL, false,
     NULL, NULL, 'RECURRING', 'MONTHLY', 1, NULL, 'published',
     '2026-11-20 09:00:00+00', '2026-11-20 09:00:00+00')
ON CONFLICT (id) DO NOTHING;

INSERT INTO credit_notes (id, tenant_id, environment_id, invoice_id, customer_id,
                          subscription_id, credit_note_number, credit_note_status,
                          credit_note_type, refund_status, reason, memo, currency,
                          total_amount, metadata, status, created_at, updated_at) VALUES
    ('cn_demo_1', 'tenant_demo', 'env_demo', 'inv_demo_1', 'cust_demo_1', 'sub_demo_1',
     'CN-2026-0001', 'FINALIZED', 'REFUND', 'SUCCEEDED', 'SERVICE_ISSUE',
     E'Outage on 2026-11-19, "partial" refund\nsecond line', 'usd', 123.45678901,
     '{"ticket": "SUP-1234"}', 'published', '2026-11-20 15:00:00+00', '2026-11-20 15:00:00+00'),
    ('cn_demo_2', 'tenant_demo', 'env_demo', 'inv_demo_3', 'cust_demo_3', NULL,
     'CN-2026-0002', 'VOIDED', 'ADJUSTMENT', NULL, 'DUPLICATE', NULL, 'eur', 0.00000001,
     NULL, 'deleted', '2026-11-20 16:00:00+00', '2026-11-20 17:00:00+00'),
    ('cn_other_env_1', 'tenant_demo', 'env_other', NULL, 'cust_demo_1', NULL,
     'CN-STG-0001', 'DRAFT', 'ADJUSTMENT', NULL, 'OTHER', 'staging', 'usd', 1,
     NULL, 'published', '2026-11-20 16:00:00+00', '2026-11-20 16:00:00+00')
ON CONFLICT (id) DO NOTHING;
