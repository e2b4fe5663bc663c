-- flexprice-exporter schema --engine duckdb: connection conn_01, entity invoice, format csv, compression gzip
-- over s3://acme-billing-exports/flexprice/invoice/
-- DuckDB: a view over every exported window (globs: duckdb.org/docs/data/multiple_files/overview).
-- s3:// needs the httpfs extension and credentials, e.g. CREATE SECRET (TYPE s3, PROVIDER credential_chain);
-- The glob matches data objects and their _part-NNNN files, never the _manifest.json files.
-- A glob reads what is in the bucket now; a load that must match an export exactly reads the keys its manifest lists.
CREATE OR REPLACE VIEW "invoice" AS
SELECT * FROM read_csv(
    's3://acme-billing-exports/flexprice/invoice/*/*/*/invoice_*.csv.gz',
    header = true,
    delim = ',',
    quote = '"',
    escape = '"',
    allow_quoted_nulls = false,
    compression = 'gzip',
    columns = {
        'id': 'VARCHAR',
        'tenant_id': 'VARCHAR',
        'environment_id': 'VARCHAR',
        'customer_id': 'VARCHAR',
        'subscription_id': 'VARCHAR',
        'invoice_number': 'VARCHAR',
        'invoice_type': 'VARCHAR',
        'invoice_status': 'VARCHAR',
        'payment_status': 'VARCHAR',
        'currency': 'VARCHAR',
        'amount_due': 'DECIMAL(20,8)',
        'amount_paid': 'DECIMAL(20,8)',
        'amount_remaining': 'DECIMAL(20,8)',
        'subtotal': 'DECIMAL(20,8)',
        'total': 'DECIMAL(20,8)',
        'due_date': 'TIMESTAMPTZ',
        'paid_at': 'TIMESTAMPTZ',
        'voided_at': 'TIMESTAMPTZ',
        'finalized_at': 'TIMESTAMPTZ',
        'billing_period': 'VARCHAR',
        'period_start': 'TIMESTAMPTZ',
        'period_end': 'TIMESTAMPTZ',
        'billing_reason': 'VARCHAR',
        'metadata': 'JSON',
        'status': 'VARCHAR',
        'created_at': 'TIMESTAMPTZ',
        'updated_at': 'TIMESTAMPTZ'
    }
);
