-- flexprice-schema.sql: the FlexPrice tables the exporter reads (DESIGN.md section 2), with
-- FlexPrice's column types, for tests and the demo. FlexPrice owns these tables in production;
-- the exporter never creates or changes them. Idempotent: safe to run more than once.
-- Written by us from the facts of FlexPrice's PostgreSQL baseline
-- (flexprice/flexprice migrations/baseline/postgres_baseline_20260819.sql, HEAD e4b5303fd): the
-- invoices columns of FlexPrice's invoice export, and wallets, wallet_transactions and
-- scheduled_tasks with FlexPrice's columns, types, NOT NULLs and defaults (no foreign keys, as
-- in FlexPrice; only the indexes its scheduled exports use).

CREATE TABLE IF NOT EXISTS connections (
    id                    varchar(50)  PRIMARY KEY,
    tenant_id             varchar(50)  NOT NULL,
    environment_id        varchar(50)  NOT NULL DEFAULT '',
    name                  varchar(255) NOT NULL,
    provider_type         varchar(50)  NOT NULL,
    encrypted_secret_data jsonb,
    metadata              jsonb,
    sync_config           jsonb,
    status                varchar(20)  NOT NULL DEFAULT 'published',
    created_at            timestamptz  NOT NULL DEFAULT now(),
    updated_at            timestamptz  NOT NULL DEFAULT now(),
    created_by            varchar(50),
    updated_by            varchar(50)
);

CREATE TABLE IF NOT EXISTS feature_usage (
    id                   varchar(50)  PRIMARY KEY,
    tenant_id            varchar(50)  NOT NULL,
    environment_id       varchar(50)  NOT NULL DEFAULT '',
    external_customer_id varchar(255),
    customer_id          varchar(50),
    subscription_id      varchar(50),
    sub_line_item_id     varchar(50),
    price_id             varchar(50),
    meter_id             varchar(50),
    feature_id           varchar(50),
    period_id            bigint,
    event_name           varchar(255),
    source               varchar(255),
    "timestamp"          timestamptz  NOT NULL,
    ingested_at          timestamptz,
    qty_total            numeric,  -- unconstrained: any precision must survive the export
    properties           jsonb,
    unique_hash          varchar(64)
);
CREATE INDEX IF NOT EXISTS feature_usage_tenant_env_timestamp_id_idx
    ON feature_usage (tenant_id, environment_id, "timestamp", id);

CREATE TABLE IF NOT EXISTS customers (
    id                  varchar(50)  PRIMARY KEY,
    tenant_id           varchar(50)  NOT NULL,
    environment_id      varchar(50)  NOT NULL DEFAULT '',
    external_id         varchar(255),
    name                varchar(255),
    email               varchar(255),
    address_line1       varchar(255),
    address_line2       varchar(255),
    address_city        varchar(100),
    address_state       varchar(100),
    address_postal_code varchar(100),
    address_country     varchar(2),
    metadata            jsonb,
    status              varchar(20)  NOT NULL DEFAULT 'published',
    created_at          timestamptz  NOT NULL DEFAULT now(),
    updated_at          timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS customers_tenant_env_updated_at_id_idx
    ON customers (tenant_id, environment_id, updated_at, id);

CREATE TABLE IF NOT EXISTS invoices (
    id               varchar(50)   PRIMARY KEY,
    tenant_id        varchar(50)   NOT NULL,
    environment_id   varchar(50)   NOT NULL DEFAULT '',
    customer_id      varchar(50),
    subscription_id  varchar(50),
    invoice_number   varchar(50),
    invoice_type     varchar(50),
    invoice_status   varchar(50),
    payment_status   varchar(50),
    currency         varchar(10),
    amount_due       numeric(20,8),
    amount_paid      numeric(20,8),
    amount_remaining numeric(20,8),
    subtotal         numeric(20,8),
    total            numeric(20,8),
    due_date         timestamptz,
    paid_at          timestamptz,
    voided_at        timestamptz,
    finalized_at     timestamptz,
    billing_period   varchar(50),
    period_start     timestamptz,
    period_end       timestamptz,
    billing_reason   varchar(50),
    metadata         jsonb,
    status           varchar(20)   NOT NULL DEFAULT 'published',
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    -- FlexPrice's other invoices columns (its scheduled invoice export writes most of them).
    created_by                    varchar,
    updated_by                    varchar,
    description                   varchar,
    invoice_pdf_url               varchar,
    version                       bigint        NOT NULL DEFAULT 1,
    billing_sequence              integer,
    idempotency_key               varchar(100),
    adjustment_amount             numeric(20,8),
    refunded_amount               numeric(20,8),
    total_discount                numeric(20,8),
    total_tax                     numeric(20,8),
    total_prepaid_credits_applied numeric(20,8),
    recalculated_invoice_id       varchar,
    last_computed_at              timestamptz,
    subscription_customer_id      varchar(50),
    issue_date                    timestamptz,
    is_manually_edited            boolean       NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS invoices_tenant_env_updated_at_id_idx
    ON invoices (tenant_id, environment_id, updated_at, id);

CREATE TABLE IF NOT EXISTS prices (
    id                   varchar(50)    PRIMARY KEY,
    tenant_id            varchar(50)    NOT NULL,
    environment_id       varchar(50)    NOT NULL DEFAULT '',
    amount               numeric(25,15),
    currency             varchar(3),
    display_amount       varchar(255),
    type                 varchar(20),
    billing_period       varchar(20),
    billing_period_count integer,
    billing_model        varchar(20),
    billing_cadence      varchar(20),
    invoice_cadence      varchar(20),
    meter_id             varchar(50),
    tier_mode            varchar(20),
    tiers                jsonb,
    lookup_key           varchar(255),
    description          text,
    metadata             jsonb,
    status               varchar(20)    NOT NULL DEFAULT 'published',
    created_at           timestamptz    NOT NULL DEFAULT now(),
    updated_at           timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS prices_tenant_env_updated_at_id_idx
    ON prices (tenant_id, environment_id, updated_at, id);

CREATE TABLE IF NOT EXISTS subscriptions (
    id                   varchar(50)  PRIMARY KEY,
    tenant_id            varchar(50)  NOT NULL,
    environment_id       varchar(50)  NOT NULL DEFAULT '',
    lookup_key           varchar(255),
    customer_id          varchar(50),
    plan_id              varchar(50),
    subscription_status  varchar(50),
    currency             varchar(10),
    billing_anchor       timestamptz,
    start_date           timestamptz,
    end_date             timestamptz,
    current_period_start timestamptz,
    current_period_end   timestamptz,
    cancelled_at         timestamptz,
    cancel_at            timestamptz,
    cancel_at_period_end boolean      DEFAULT false,
    trial_start          timestamptz,
    trial_end            timestamptz,
    billing_cadence      varchar(20),
    billing_period       varchar(20),
    billing_period_count integer,
    metadata             jsonb,
    status               varchar(20)  NOT NULL DEFAULT 'published',
    created_at           timestamptz  NOT NULL DEFAULT now(),
    updated_at           timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS subscriptions_tenant_env_updated_at_id_idx
    ON subscriptions (tenant_id, environment_id, updated_at, id);

CREATE TABLE IF NOT EXISTS credit_notes (
    id                 varchar(50)   PRIMARY KEY,
    tenant_id          varchar(50)   NOT NULL,
    environment_id     varchar(50)   NOT NULL DEFAULT '',
    invoice_id         varchar(50),
    customer_id        varchar(50),
    subscription_id    varchar(50),
    credit_note_number varchar(50),
    credit_note_status varchar(50),
    credit_note_type   varchar(50),
    refund_status      varchar(50),
    reason             varchar(50),
    memo               text,
    currency           varchar(10),
    total_amount       numeric(20,8),
    metadata           jsonb,
    status             varchar(20)   NOT NULL DEFAULT 'published',
    created_at         timestamptz   NOT NULL DEFAULT now(),
    updated_at         timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS credit_notes_tenant_env_updated_at_id_idx
    ON credit_notes (tenant_id, environment_id, updated_at, id);

-- wallets: FlexPrice's prepaid credit wallets (the credit_topups export joins them for customer_id).
CREATE TABLE IF NOT EXISTS wallets (
    id                     varchar(50)   PRIMARY KEY,
    tenant_id              varchar(50)   NOT NULL,
    customer_id            varchar(50)   NOT NULL,
    currency               varchar(10)   NOT NULL,
    balance                numeric(20,9) NOT NULL,
    wallet_status          varchar(50)   NOT NULL DEFAULT 'active',
    metadata               jsonb,
    status                 varchar(20)   NOT NULL DEFAULT 'published',
    created_at             timestamptz   NOT NULL,
    updated_at             timestamptz   NOT NULL,
    created_by             varchar,
    updated_by             varchar,
    description            varchar,
    name                   varchar(255),
    auto_topup_trigger     varchar(50)   DEFAULT 'disabled',
    auto_topup_min_balance numeric(20,9),
    auto_topup_amount      numeric(20,9),
    wallet_type            varchar(50)   NOT NULL DEFAULT 'PRE_PAID',
    config                 jsonb,
    credit_balance         numeric(20,9) NOT NULL DEFAULT 0,
    conversion_rate        numeric(10,5) NOT NULL,
    environment_id         varchar(50)   DEFAULT '',
    alert_config           jsonb,
    alert_enabled          boolean       DEFAULT true,
    alert_state            varchar(50)   DEFAULT 'ok',
    auto_topup             jsonb,
    topup_conversion_rate  numeric(10,5),
    alert_settings         jsonb
);
CREATE INDEX IF NOT EXISTS wallet_tenant_id_environment_id_customer_id_status
    ON wallets (tenant_id, environment_id, customer_id, status);

-- wallet_transactions: credits and debits of a wallet. The credit_topups export reads the
-- completed, published credits by created_at. expiry_date is timestamp WITHOUT time zone in FlexPrice.
CREATE TABLE IF NOT EXISTS wallet_transactions (
    id                    varchar(50)   PRIMARY KEY,
    tenant_id             varchar(50)   NOT NULL,
    wallet_id             varchar(50)   NOT NULL,
    type                  varchar       NOT NULL DEFAULT 'credit',
    amount                numeric(20,9) NOT NULL,
    transaction_status    varchar(50)   NOT NULL DEFAULT 'pending',
    reference_type        varchar(50),
    reference_id          varchar,
    description           varchar,
    metadata              jsonb,
    status                varchar(20)   NOT NULL DEFAULT 'published',
    created_at            timestamptz   NOT NULL,
    updated_at            timestamptz   NOT NULL,
    created_by            varchar,
    updated_by            varchar,
    transaction_type      varchar       NOT NULL DEFAULT 'credit',
    expiry_date           timestamp,
    amount_used           numeric(20,8) NOT NULL DEFAULT 0,
    transaction_reason    varchar(50)   NOT NULL DEFAULT 'FREE_CREDIT_GRANT',
    credit_amount         numeric(20,9) NOT NULL DEFAULT 0,
    credit_balance_before numeric(20,9) NOT NULL DEFAULT 0,
    credit_balance_after  numeric(20,9) NOT NULL DEFAULT 0,
    balance_before        numeric(20,9),
    balance_after         numeric(20,9),
    credits_available     numeric(20,9) NOT NULL,
    environment_id        varchar(50)   DEFAULT '',
    idempotency_key       varchar,
    priority              bigint,
    customer_id           varchar(50),
    currency              varchar(10)   NOT NULL,
    conversion_rate       numeric(10,5),
    topup_conversion_rate numeric(10,5),
    parent_transaction_id varchar(50)
);
CREATE INDEX IF NOT EXISTS wallettransaction_tenant_id_environment_id_created_at
    ON wallet_transactions (tenant_id, environment_id, created_at);
CREATE INDEX IF NOT EXISTS wallettransaction_tenant_id_environment_id_wallet_id
    ON wallet_transactions (tenant_id, environment_id, wallet_id);

-- scheduled_tasks: FlexPrice's export definitions, one row per (connection, entity_type, interval)
-- with its S3 settings in job_config. entity_type: events, invoice, credit_topups, credit_usage,
-- usage_analytics; "interval": 15MIN, 30MIN, custom, hourly, daily; status published or deleted
-- (FlexPrice's DELETE also sets enabled = false).
CREATE TABLE IF NOT EXISTS scheduled_tasks (
    id                   varchar(50)  PRIMARY KEY,
    tenant_id            varchar(50)  NOT NULL,
    status               varchar(20)  NOT NULL DEFAULT 'published',
    created_at           timestamptz  NOT NULL,
    updated_at           timestamptz  NOT NULL,
    created_by           varchar,
    updated_by           varchar,
    environment_id       varchar(50)  DEFAULT '',
    connection_id        varchar(50)  NOT NULL,
    entity_type          varchar(50)  NOT NULL,
    "interval"           varchar(20)  NOT NULL,
    enabled              boolean      NOT NULL DEFAULT true,
    job_config           jsonb,
    temporal_schedule_id varchar(100)
);
CREATE INDEX IF NOT EXISTS scheduledtask_connection_id_enabled
    ON scheduled_tasks (connection_id, enabled);
CREATE INDEX IF NOT EXISTS scheduledtask_connection_id_entity_type_status
    ON scheduled_tasks (connection_id, entity_type, status);
CREATE INDEX IF NOT EXISTS scheduledtask_entity_type_interval_enabled
    ON scheduled_tasks (entity_type, "interval", enabled);
CREATE INDEX IF NOT EXISTS scheduledtask_tenant_id_environment_id_enabled
    ON scheduled_tasks (tenant_id, environment_id, enabled);
