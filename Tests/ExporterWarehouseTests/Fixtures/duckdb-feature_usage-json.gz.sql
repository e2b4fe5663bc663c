-- flexprice-exporter schema --engine duckdb: connection conn_01, entity feature_usage, format json, compression gzip
-- over s3://acme-billing-exports/flexprice/feature_usage/
-- DuckDB: a view over every exported window (globs: duckdb.org/docs/data/multiple_files/overview).
-- s3:// needs the httpfs extension and credentials, e.g. CREATE SECRET (TYPE s3, PROVIDER credential_chain);
-- The glob matches data objects and their _part-NNNN files, never the _manifest.json files.
-- A glob reads what is in the bucket now; a load that must match an export exactly reads the keys its manifest lists.
CREATE OR REPLACE VIEW "feature_usage" AS
SELECT * FROM read_json(
    's3://acme-billing-exports/flexprice/feature_usage/*/*/*/feature_usage_*[0-9Z].json.gz',
    format = 'array',
    compression = 'gzip',
    columns = {
        'id': 'VARCHAR',
        'tenant_id': 'VARCHAR',
        'environment_id': 'VARCHAR',
        'external_customer_id': 'VARCHAR',
        'customer_id': 'VARCHAR',
        'subscription_id': 'VARCHAR',
        'sub_line_item_id': 'VARCHAR',
        'price_id': 'VARCHAR',
        'meter_id': 'VARCHAR',
        'feature_id': 'VARCHAR',
        'period_id': 'BIGINT',
        'event_name': 'VARCHAR',
        'source': 'VARCHAR',
        'timestamp': 'TIMESTAMPTZ',
        'ingested_at': 'TIMESTAMPTZ',
        'qty_total': 'VARCHAR',
        'properties': 'JSON',
        'unique_hash': 'VARCHAR'
    }
);
