-- flexprice-scheduled-tasks.sql: an installation configured the way current FlexPrice configures
-- its exports, for the scheduled-task tests and the demo (load db/flexprice-schema.sql first).
-- Written by us from the facts of FlexPrice's schema and services (flexprice/flexprice HEAD
-- e4b5303fd): one S3 connection exactly as FlexPrice stores it, its scheduled_tasks rows with
-- job_config as FlexPrice's create endpoint saves it, and the wallets, wallet transactions and
-- invoices that the credit_topups and invoice exports select from.
--
-- Plain constants, no psql variables (the tests' SQL runner does not expand them); a test
-- changes what it needs with UPDATE:
--   tenant 'tenant_sched', environment 'env_sched', connection 'conn_sched_s3',
--   bucket 'flexprice-scheduled-exports', region 'us-east-1'.
-- Out-of-scope rows use tenant 'tenant_other' (environment 'env_sched') and environment
-- 'env_other' (tenant 'tenant_sched').
--
-- connections.encrypted_secret_data has FlexPrice's flat shape
--   {"aws_access_key_id": C, "aws_secret_access_key": C}   (plus "aws_session_token": C if any)
-- where each C is a FlexPrice ciphertext. The values below are placeholders, not ciphertexts:
-- a test stores its own (flexprice-exporter encrypt-secret) before the connection can be used.
-- sync_config.s3 holds only bucket, region, compression and encryption, as FlexPrice writes it
-- (no interval, entity_types or sync_active).
--
-- scheduled_tasks (ids as below; FlexPrice's own are 'schtask_' + a ULID):
--   schtask_sched_events        events         hourly  enabled    key_prefix 'flexprice', gzip
--   schtask_sched_invoice       invoice        daily   enabled    no key_prefix, none
--   schtask_sched_topups        credit_topups  daily   enabled    key_prefix 'finance/credits', none
--   schtask_sched_credit_usage  credit_usage   daily   DISABLED   (a test enables it: one clear error)
--   schtask_sched_disabled      invoice        hourly  disabled   (never exported)
--   schtask_sched_deleted       credit_topups  hourly  status 'deleted', enabled false (never exported)
-- job_config has no endpoint_url: FlexPrice accepts only public https endpoints there. A test
-- against a local S3 adds {"endpoint_url": ..., "use_path_style": true} with
--   UPDATE scheduled_tasks SET job_config = job_config || jsonb_build_object(...)
-- Events (usage) come from ClickHouse meter_usage, not from this file.
--
-- Expected exports (windows half-open, UTC, tenant_sched/env_sched only):
--   credit_topups [2026-11-19, 2026-11-20): wtxn_sched_01, wtxn_sched_02, wtxn_sched_07
--   credit_topups [2026-11-20, 2026-11-21): wtxn_sched_08, wtxn_sched_09, wtxn_sched_11
--     (09 and 11 share created_at 2026-11-20 10:15:00: ordered by (created_at, id))
--   invoice       [2026-11-19, 2026-11-20): inv_sched_01, inv_sched_02
--   invoice       [2026-11-20, 2026-11-21): inv_sched_04, inv_sched_05
-- Rows that must not appear: debits (03, 10), pending (04), failed (06), deleted (05)
-- transactions; invoices deleted (03) or archived (06); rows just outside the two days
-- (wtxn_sched_12/13, inv_sched_07/08); other tenant and other environment rows.
-- Where FlexPrice's own exporter differs (docs, not expectations):
--   wtxn_sched_07 has reference_id NULL: FlexPrice's scan fails on it and silently drops the row.
--   inv_sched_04 (created exactly 2026-11-20 00:00) is also in FlexPrice's 2026-11-19 file, and
--   inv_sched_07 (created exactly 2026-11-21 00:00) in its 2026-11-20 file: its invoice window is
--   closed at both ends.
--   inv_sched_01 was created on 2026-11-19 and updated on 2026-11-20: the invoice export selects
--   on created_at, so it belongs to 2026-11-19.
-- Values that test the CSV: a comma and a double quote in names and descriptions, multi-byte
-- text, microseconds (FlexPrice writes seconds only), numeric(20,9) at full scale, NULL
-- total_discount/total_tax (inv_sched_02: FlexPrice writes 0 for them), NULL metadata (FlexPrice: null).
-- Idempotent: re-running inserts nothing new.

INSERT INTO connections (id, tenant_id, environment_id, name, provider_type, encrypted_secret_data,
                         metadata, sync_config, status, created_at, updated_at, created_by, updated_by)
VALUES ('conn_sched_s3', 'tenant_sched', 'env_sched', 'Customer S3 exports', 's3',
        '{"aws_access_key_id": "placeholder: FlexPrice ciphertext of the access key id", "aws_secret_access_key": "placeholder: FlexPrice ciphertext of the secret access key"}',
        NULL,
        '{"s3": {"bucket": "flexprice-scheduled-exports", "region": "us-east-1", "compression": "gzip", "encryption": "AES256"}}',
        'published', '2026-11-01 09:00:00+00', '2026-11-01 09:00:00+00', 'user_sched_admin', 'user_sched_admin')
ON CONFLICT (id) DO NOTHING;

-- job_config as FlexPrice's POST /v1/tasks/scheduled stores it for a customer-owned bucket:
-- bucket and region always, compression and encryption filled with their defaults, key_prefix
-- only when given. temporal_schedule_id is the task id (FlexPrice's schedule id).
INSERT INTO scheduled_tasks (id, tenant_id, status, created_at, updated_at, created_by, updated_by,
                             environment_id, connection_id, entity_type, "interval", enabled,
                             job_config, temporal_schedule_id)
VALUES
    ('schtask_sched_events', 'tenant_sched', 'published', '2026-11-01 09:05:00+00', '2026-11-01 09:05:00+00',
     'user_sched_admin', 'user_sched_admin', 'env_sched', 'conn_sched_s3', 'events', 'hourly', true,
     '{"bucket": "flexprice-scheduled-exports", "region": "us-east-1", "key_prefix": "flexprice", "compression": "gzip", "encryption": "AES256"}',
     'schtask_sched_events'),
    ('schtask_sched_invoice', 'tenant_sched', 'published', '2026-11-01 09:06:00+00', '2026-11-01 09:06:00+00',
     'user_sched_admin', 'user_sched_admin', 'env_sched', 'conn_sched_s3', 'invoice', 'daily', true,
     '{"bucket": "flexprice-scheduled-exports", "region": "us-east-1", "compression": "none", "encryption": "AES256"}',
     'schtask_sched_invoice'),
    ('schtask_sched_topups', 'tenant_sched', 'published', '2026-11-01 09:07:00+00', '2026-11-01 09:07:00+00',
     'user_sched_admin', 'user_sched_admin', 'env_sched', 'conn_sched_s3', 'credit_topups', 'daily', true,
     '{"bucket": "flexprice-scheduled-exports", "region": "us-east-1", "key_prefix": "finance/credits", "compression": "none", "encryption": "AES256"}',
     'schtask_sched_topups'),
    ('schtask_sched_credit_usage', 'tenant_sched', 'published', '2026-11-01 09:08:00+00', '2026-11-01 09:08:00+00',
     'user_sched_admin', 'user_sched_admin', 'env_sched', 'conn_sched_s3', 'credit_usage', 'daily', false,
     '{"bucket": "flexprice-scheduled-exports", "region": "us-east-1", "compression": "none", "encryption": "AES256"}',
     'schtask_sched_credit_usage'),
    ('schtask_sched_disabled', 'tenant_sched', 'published', '2026-11-01 09:09:00+00', '2026-11-02 10:00:00+00',
     'user_sched_admin', 'user_sched_admin', 'env_sched', 'conn_sched_s3', 'invoice', 'hourly', false,
     '{"bucket": "flexprice-scheduled-exports", "region": "us-east-1", "key_prefix": "disabled", "compression": "none", "encryption": "AES256"}',
     'schtask_sched_disabled'),
    ('schtask_sched_deleted', 'tenant_sched', 'deleted', '2026-11-01 09:10:00+00', '2026-11-02 10:05:00+00',
     'user_sched_admin', 'user_sched_admin', 'env_sched', 'conn_sched_s3', 'credit_topups', 'hourly', false,
     '{"bucket": "flexprice-scheduled-exports", "region": "us-east-1", "key_prefix": "deleted", "compression": "gzip", "encryption": "AES256"}',
     'schtask_sched_deleted')
ON CONFLICT (id) DO NOTHING;

INSERT INTO customers (id, tenant_id, environment_id, external_id, name, email, metadata, status,
                       created_at, updated_at)
VALUES
    ('cust_sched_1', 'tenant_sched', 'env_sched', 'ext-acme', 'Acme, Inc.', 'billing@acme.example',
     '{"plan": "pro"}', 'published', '2026-11-01 10:00:00+00', '2026-11-01 10:00:00+00'),
    ('cust_sched_2', 'tenant_sched', 'env_sched', 'ext-zurich', 'Zürich "Bank" AG ☕', NULL,
     NULL, 'published', '2026-11-01 10:01:00+00', '2026-11-01 10:01:00+00'),
    ('cust_other_1', 'tenant_other', 'env_sched', 'ext-other-tenant', 'Other Tenant Ltd', NULL,
     NULL, 'published', '2026-11-01 10:02:00+00', '2026-11-01 10:02:00+00'),
    ('cust_sched_env2', 'tenant_sched', 'env_other', 'ext-other-env', 'Other Environment GmbH', NULL,
     NULL, 'published', '2026-11-01 10:03:00+00', '2026-11-01 10:03:00+00')
ON CONFLICT (id) DO NOTHING;

INSERT INTO wallets (id, tenant_id, customer_id, currency, balance, wallet_status, metadata, status,
                     created_at, updated_at, created_by, updated_by, name, wallet_type,
                     credit_balance, conversion_rate, environment_id)
VALUES
    ('wallet_sched_1', 'tenant_sched', 'cust_sched_1', 'usd', 102.345678902, 'active', NULL, 'published',
     '2026-11-01 11:00:00+00', '2026-11-20 10:15:00+00', 'user_sched_admin', 'user_sched_admin',
     'Prepaid credits', 'PRE_PAID', 102.345678902, 1, 'env_sched'),
    ('wallet_sched_2', 'tenant_sched', 'cust_sched_2', 'eur', 1032.5, 'active', '{"cost_center": "CH-01"}', 'published',
     '2026-11-01 11:01:00+00', '2026-11-20 10:15:00+00', 'user_sched_admin', 'user_sched_admin',
     NULL, 'PRE_PAID', 1032.5, 1, 'env_sched'),
    ('wallet_other_1', 'tenant_other', 'cust_other_1', 'usd', 500, 'active', NULL, 'published',
     '2026-11-01 11:02:00+00', '2026-11-19 10:00:00+00', NULL, NULL, NULL, 'PRE_PAID', 500, 1, 'env_sched'),
    ('wallet_sched_env2', 'tenant_sched', 'cust_sched_env2', 'usd', 40, 'active', NULL, 'published',
     '2026-11-01 11:03:00+00', '2026-11-19 10:00:00+00', NULL, NULL, NULL, 'PRE_PAID', 40, 1, 'env_other')
ON CONFLICT (id) DO NOTHING;

-- amount is what FlexPrice's credit_topups export writes; credit_amount and credits_available
-- follow FlexPrice's bookkeeping at conversion rate 1 (credits_available 0 for debits).
INSERT INTO wallet_transactions (id, tenant_id, wallet_id, type, amount, transaction_status,
                                 reference_type, reference_id, description, metadata, status,
                                 created_at, updated_at, created_by, updated_by, transaction_type,
                                 transaction_reason, credit_amount, credit_balance_before,
                                 credit_balance_after, credits_available, environment_id,
                                 customer_id, currency)
VALUES
    -- 2026-11-19
    ('wtxn_sched_01', 'tenant_sched', 'wallet_sched_1', 'credit', 100, 'completed',
     'PAYMENT', 'pay_001', 'Top-up, card', NULL, 'published',
     '2026-11-19 00:00:00+00', '2026-11-19 00:00:00+00', 'user_sched_admin', 'user_sched_admin', 'credit',
     'PURCHASED_CREDIT_DIRECT', 100, 0, 100, 100, 'env_sched', 'cust_sched_1', 'usd'),
    ('wtxn_sched_02', 'tenant_sched', 'wallet_sched_2', 'credit', 25.5, 'completed',
     'EXTERNAL', 'grant_welcome', 'Welcome "bonus"', '{"campaign": "autumn"}', 'published',
     '2026-11-19 09:30:15.123456+00', '2026-11-19 09:30:15.123456+00', NULL, NULL, 'credit',
     'FREE_CREDIT_GRANT', 25.5, 0, 25.5, 25.5, 'env_sched', 'cust_sched_2', 'eur'),
    ('wtxn_sched_03', 'tenant_sched', 'wallet_sched_1', 'debit', 10, 'completed',
     'INVOICE', 'inv_sched_01', 'Invoice payment', NULL, 'published',
     '2026-11-19 12:00:00+00', '2026-11-19 12:00:00+00', NULL, NULL, 'debit',
     'INVOICE_PAYMENT', 10, 100, 90, 0, 'env_sched', 'cust_sched_1', 'usd'),
    ('wtxn_sched_04', 'tenant_sched', 'wallet_sched_1', 'credit', 50, 'pending',
     'PAYMENT', 'pay_002', 'Top-up awaiting payment', NULL, 'published',
     '2026-11-19 13:00:00+00', '2026-11-19 13:00:00+00', NULL, NULL, 'credit',
     'PURCHASED_CREDIT_INVOICED', 50, 90, 90, 0, 'env_sched', 'cust_sched_1', 'usd'),
    ('wtxn_sched_05', 'tenant_sched', 'wallet_sched_2', 'credit', 5, 'completed',
     'EXTERNAL', 'grant_deleted', 'Deleted grant', NULL, 'deleted',
     '2026-11-19 14:00:00+00', '2026-11-19 14:30:00+00', NULL, NULL, 'credit',
     'FREE_CREDIT_GRANT', 5, 25.5, 30.5, 0, 'env_sched', 'cust_sched_2', 'eur'),
    ('wtxn_sched_06', 'tenant_sched', 'wallet_sched_1', 'credit', 75, 'failed',
     'PAYMENT', 'pay_003', 'Card declined', NULL, 'published',
     '2026-11-19 15:00:00+00', '2026-11-19 15:00:00+00', NULL, NULL, 'credit',
     'PURCHASED_CREDIT_DIRECT', 75, 90, 90, 0, 'env_sched', 'cust_sched_1', 'usd'),
    ('wtxn_sched_07', 'tenant_sched', 'wallet_sched_1', 'credit', 0.000000001, 'completed',
     NULL, NULL, NULL, NULL, 'published',
     '2026-11-19 23:59:59.999999+00', '2026-11-19 23:59:59.999999+00', NULL, NULL, 'credit',
     'CREDIT_ADJUSTMENT', 0.000000001, 90, 90.000000001, 0.000000001, 'env_sched', 'cust_sched_1', 'usd'),
    -- 2026-11-20
    ('wtxn_sched_08', 'tenant_sched', 'wallet_sched_2', 'credit', 1000, 'completed',
     'INVOICE', 'inv_sched_04', 'Purchased credits', NULL, 'published',
     '2026-11-20 00:00:00+00', '2026-11-20 00:00:00+00', NULL, NULL, 'credit',
     'PURCHASED_CREDIT_INVOICED', 1000, 25.5, 1025.5, 1000, 'env_sched', 'cust_sched_2', 'eur'),
    ('wtxn_sched_09', 'tenant_sched', 'wallet_sched_1', 'credit', 12.345678901, 'completed',
     'SUBSCRIPTION', 'sub_sched_1', 'Monthly grant', NULL, 'published',
     '2026-11-20 10:15:00+00', '2026-11-20 10:15:00+00', NULL, NULL, 'credit',
     'SUBSCRIPTION_CREDIT_GRANT', 12.345678901, 90.000000001, 102.345678902, 12.345678901, 'env_sched', 'cust_sched_1', 'usd'),
    ('wtxn_sched_10', 'tenant_sched', 'wallet_sched_2', 'debit', 0.5, 'completed',
     'INVOICE', 'inv_sched_05', 'Usage charge', NULL, 'published',
     '2026-11-20 11:00:00+00', '2026-11-20 11:00:00+00', NULL, NULL, 'debit',
     'INVOICE_PAYMENT', 0.5, 1025.5, 1025, 0, 'env_sched', 'cust_sched_2', 'eur'),
    ('wtxn_sched_11', 'tenant_sched', 'wallet_sched_2', 'credit', 7, 'completed',
     'EXTERNAL', 'goodwill, ticket #42', 'Goodwill', NULL, 'published',
     '2026-11-20 10:15:00+00', '2026-11-20 10:15:00+00', NULL, NULL, 'credit',
     'CREDIT_ADJUSTMENT', 7, 1025, 1032, 7, 'env_sched', 'cust_sched_2', 'eur'),
    -- just outside the two days
    ('wtxn_sched_12', 'tenant_sched', 'wallet_sched_1', 'credit', 3, 'completed',
     'PAYMENT', 'pay_next_day', NULL, NULL, 'published',
     '2026-11-21 00:00:00+00', '2026-11-21 00:00:00+00', NULL, NULL, 'credit',
     'PURCHASED_CREDIT_DIRECT', 3, 102.345678902, 105.345678902, 3, 'env_sched', 'cust_sched_1', 'usd'),
    ('wtxn_sched_13', 'tenant_sched', 'wallet_sched_1', 'credit', 4, 'completed',
     'PAYMENT', 'pay_day_before', NULL, NULL, 'published',
     '2026-11-18 23:59:59.999999+00', '2026-11-18 23:59:59.999999+00', NULL, NULL, 'credit',
     'PURCHASED_CREDIT_DIRECT', 4, 0, 4, 4, 'env_sched', 'cust_sched_1', 'usd'),
    -- other tenant, other environment
    ('wtxn_other_tenant', 'tenant_other', 'wallet_other_1', 'credit', 500, 'completed',
     'PAYMENT', 'pay_other', NULL, NULL, 'published',
     '2026-11-19 10:00:00+00', '2026-11-19 10:00:00+00', NULL, NULL, 'credit',
     'PURCHASED_CREDIT_DIRECT', 500, 0, 500, 500, 'env_sched', 'cust_other_1', 'usd'),
    ('wtxn_other_env', 'tenant_sched', 'wallet_sched_env2', 'credit', 40, 'completed',
     'PAYMENT', 'pay_other_env', NULL, NULL, 'published',
     '2026-11-19 10:00:00+00', '2026-11-19 10:00:00+00', NULL, NULL, 'credit',
     'PURCHASED_CREDIT_DIRECT', 40, 0, 40, 40, 'env_other', 'cust_sched_env2', 'usd')
ON CONFLICT (id) DO NOTHING;

INSERT INTO invoices (id, tenant_id, environment_id, customer_id, subscription_id, invoice_number,
                      invoice_type, invoice_status, payment_status, currency, amount_due, amount_paid,
                      amount_remaining, subtotal, total, due_date, paid_at, voided_at, finalized_at,
                      billing_period, period_start, period_end, billing_reason, metadata, status,
                      created_at, updated_at, created_by, updated_by, description, invoice_pdf_url,
                      version, billing_sequence, idempotency_key, adjustment_amount, refunded_amount,
                      total_discount, total_tax)
VALUES
    -- 2026-11-19 (inv_sched_01 updated on 2026-11-20: selected on created_at)
    ('inv_sched_01', 'tenant_sched', 'env_sched', 'cust_sched_1', 'sub_sched_1', 'INV-2026-0001',
     'SUBSCRIPTION', 'FINALIZED', 'SUCCEEDED', 'usd', 100, 100, 0, 110, 100,
     '2026-12-04 00:00:00+00', '2026-11-20 09:00:00+00', NULL, '2026-11-19 00:00:00+00',
     'MONTHLY', '2026-10-19 00:00:00+00', '2026-11-19 00:00:00+00', 'SUBSCRIPTION_CYCLE',
     '{"po_number": "PO-7731", "note": "a, \"quoted\" <note> & more"}', 'published',
     '2026-11-19 00:00:00+00', '2026-11-20 09:00:00+00', 'user_sched_admin', 'user_sched_billing',
     'November, "Pro" plan', 'https://files.example/inv/INV-2026-0001.pdf',
     3, 1, 'idem-sched-01', 0, 0, 10, 0),
    ('inv_sched_02', 'tenant_sched', 'env_sched', 'cust_sched_2', NULL, NULL,
     'ONE_OFF', 'DRAFT', 'PENDING', 'eur', 19.99, 0, 19.99, 19.99, 19.99,
     NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, 'MANUAL',
     NULL, 'published',
     '2026-11-19 18:45:30.5+00', '2026-11-19 18:45:30.5+00', NULL, NULL,
     NULL, NULL,
     1, NULL, NULL, 0, 0, NULL, NULL),
    ('inv_sched_03', 'tenant_sched', 'env_sched', 'cust_sched_1', NULL, 'INV-2026-0003',
     'ONE_OFF', 'DRAFT', 'PENDING', 'usd', 5, 0, 5, 5, 5,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'MANUAL', NULL, 'deleted',
     '2026-11-19 20:00:00+00', '2026-11-19 20:10:00+00', NULL, NULL, 'Deleted draft', NULL,
     1, NULL, NULL, 0, 0, 0, 0),
    -- 2026-11-20 (inv_sched_04 at its first instant)
    ('inv_sched_04', 'tenant_sched', 'env_sched', 'cust_sched_2', NULL, 'INV-2026-0004',
     'CREDIT', 'FINALIZED', 'SUCCEEDED', 'eur', 1000, 1000, 0, 1000, 1000,
     '2026-11-20 00:00:00+00', '2026-11-20 00:00:00+00', NULL, '2026-11-20 00:00:00+00',
     NULL, NULL, NULL, 'MANUAL', '{}', 'published',
     '2026-11-20 00:00:00+00', '2026-11-20 00:00:00+00', NULL, NULL, 'Credit purchase — Zürich', NULL,
     1, NULL, 'idem-sched-04', 0, 0, 0, 0),
    ('inv_sched_05', 'tenant_sched', 'env_sched', 'cust_sched_2', 'sub_sched_2', 'INV-2026-0005',
     'SUBSCRIPTION', 'VOIDED', 'VOIDED', 'eur', 1234567890.12345678, 0, 0, 1234567890.12345678, 1234567890.12345678,
     '2026-12-05 00:00:00+00', NULL, '2026-11-20 12:30:00.000001+00', '2026-11-20 12:00:00+00',
     'ANNUAL', '2026-11-20 00:00:00+00', '2027-11-20 00:00:00+00', 'SUBSCRIPTION_CREATE',
     '{"multi": "line\nvalue"}', 'published',
     '2026-11-20 12:00:00+00', '2026-11-20 12:30:00.000001+00', NULL, NULL, E'two\nlines', NULL,
     2, 1, NULL, 0, 0, 0.00000001, 222222220.22222222),
    ('inv_sched_06', 'tenant_sched', 'env_sched', 'cust_sched_1', NULL, 'INV-2026-0006',
     'ONE_OFF', 'FINALIZED', 'PENDING', 'usd', 8, 0, 8, 8, 8,
     NULL, NULL, NULL, '2026-11-20 13:00:00+00', NULL, NULL, NULL, 'MANUAL', NULL, 'archived',
     '2026-11-20 13:00:00+00', '2026-11-20 13:00:00+00', NULL, NULL, NULL, NULL,
     1, NULL, NULL, 0, 0, 0, 0),
    -- just outside the two days
    ('inv_sched_07', 'tenant_sched', 'env_sched', 'cust_sched_1', NULL, 'INV-2026-0007',
     'ONE_OFF', 'FINALIZED', 'PENDING', 'usd', 9, 0, 9, 9, 9,
     NULL, NULL, NULL, '2026-11-21 00:00:00+00', NULL, NULL, NULL, 'MANUAL', NULL, 'published',
     '2026-11-21 00:00:00+00', '2026-11-21 00:00:00+00', NULL, NULL, NULL, NULL,
     1, NULL, NULL, 0, 0, 0, 0),
    ('inv_sched_08', 'tenant_sched', 'env_sched', 'cust_sched_1', NULL, 'INV-2026-0008',
     'ONE_OFF', 'FINALIZED', 'PENDING', 'usd', 11, 0, 11, 11, 11,
     NULL, NULL, NULL, '2026-11-18 23:59:59.999999+00', NULL, NULL, NULL, 'MANUAL', NULL, 'published',
     '2026-11-18 23:59:59.999999+00', '2026-11-19 08:00:00+00', NULL, NULL, NULL, NULL,
     1, NULL, NULL, 0, 0, 0, 0),
    -- other tenant, other environment
    ('inv_other_tenant', 'tenant_other', 'env_sched', 'cust_other_1', NULL, 'INV-OTHER-1',
     'ONE_OFF', 'FINALIZED', 'PENDING', 'usd', 1, 0, 1, 1, 1,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'MANUAL', NULL, 'published',
     '2026-11-19 10:00:00+00', '2026-11-19 10:00:00+00', NULL, NULL, NULL, NULL,
     1, NULL, NULL, 0, 0, 0, 0),
    ('inv_other_env', 'tenant_sched', 'env_other', 'cust_sched_env2', NULL, 'INV-OTHER-2',
     'ONE_OFF', 'FINALIZED', 'PENDING', 'usd', 2, 0, 2, 2, 2,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'MANUAL', NULL, 'published',
     '2026-11-20 10:00:00+00', '2026-11-20 10:00:00+00', NULL, NULL, NULL, NULL,
     1, NULL, NULL, 0, 0, 0, 0)
ON CONFLICT (id) DO NOTHING;
