-- flexprice-schema.sql: the FlexPrice tables the exporter reads (DESIGN.md section 2), with
-- FlexPrice's column types, for tests and the demo. FlexPrice owns these tables in production;
-- the exporter never creates or changes them. Idempotent: safe to run more than once.

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
    updated_at       timestamptz   NOT NULL DEFAULT now()
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
