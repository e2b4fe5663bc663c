-- flexprice-exporter schema --engine duckdb: connection conn_01, entity invoice, format parquet, compression zstd
-- over s3://acme-billing-exports/flexprice/invoice/
-- DuckDB: a view over every exported window (globs: duckdb.org/docs/data/multiple_files/overview).
-- s3:// needs the httpfs extension and credentials, e.g. CREATE SECRET (TYPE s3, PROVIDER credential_chain);
-- The glob matches data objects and their _part-NNNN files, never the _manifest.json files.
-- A glob reads what is in the bucket now; a load that must match an export exactly reads the keys its manifest lists.
CREATE OR REPLACE VIEW "invoice" AS
SELECT * FROM read_parquet(
    's3://acme-billing-exports/flexprice/invoice/*/*/*/invoice_*.parquet',
    union_by_name = true
);
