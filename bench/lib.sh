# bench/lib.sh: what the shell benchmarks (run.sh, memory.sh, zstd.sh, parquet.sh) share; sourced, not run.
# Expects the repository root as the working directory and with-services.sh's variables.

# bench_setup CONFIGURATION: builds the exporter (release or debug) and sets BIN, or takes
# EXPORTER_BIN when set (a binary already built, as bench/run.sh does); exports the database
# settings; loads the FlexPrice schema and migrates; sets ak and sk to FlexPrice ciphertexts of a
# bench key pair for encrypted_secret_data.
bench_setup() {
  local configuration="$1"
  if [[ -n "${EXPORTER_BIN:-}" ]]; then
    BIN="$EXPORTER_BIN"
  else
    swift build -c "$configuration" --product flexprice-exporter >&2
    BIN="$(swift build -c "$configuration" --show-bin-path)/flexprice-exporter"
  fi
  # moto listens on http://127.0.0.1: the endpoint policy refuses loopback and plain HTTP unless allowed.
  export DATABASE_URL="$EXPORTER_TEST_DATABASE_URL" FLEXPRICE_SECRETS_ENCRYPTION_KEY=bench-key EXPORTER_LOG_LEVEL=warning \
    EXPORTER_ALLOW_PRIVATE_ENDPOINTS=true EXPORTER_ALLOW_HTTP_ENDPOINTS=true
  psql -q -X -v ON_ERROR_STOP=1 -f db/flexprice-schema.sql >/dev/null
  "$BIN" migrate >/dev/null
  ak="$(printf %s AKIABENCHEXAMPLE | "$BIN" encrypt-secret)"
  sk="$(printf %s benchSecretKeyExample | "$BIN" encrypt-secret)"
}

# seed_feature_usage TENANT ROWS: replaces TENANT's feature_usage with ROWS rows spread over the
# daily window 2026-11-20 (the shape of bench.py's rows).
seed_feature_usage() {
  psql -q -X -v ON_ERROR_STOP=1 -v tenant="$1" -v rows="$2" <<'SQL'
DELETE FROM feature_usage WHERE tenant_id = :'tenant';
INSERT INTO feature_usage (id, tenant_id, environment_id, external_customer_id, customer_id, subscription_id,
    sub_line_item_id, price_id, meter_id, feature_id, period_id, event_name, source, "timestamp", ingested_at,
    qty_total, properties, unique_hash)
SELECT :'tenant' || '_' || lpad(g::text, 9, '0'), :'tenant', 'env_bench', 'ext_cust_' || (g % 5000), 'cust_' || (g % 5000),
       'sub_' || (g % 800), 'subli_' || (g % 1600), 'price_' || (g % 40), 'meter_' || (g % 40), 'feat_' || (g % 40),
       1795132800000, 'api_call', 'sdk-python', '2026-11-20'::timestamptz + ((g - 1)::double precision / :rows) * interval '1 day',
       '2026-11-20'::timestamptz + ((g - 1)::double precision / :rows) * interval '1 day' + interval '1.5 seconds',
       (g % 10000)::numeric / 100, jsonb_build_object('endpoint', '/v1/events', 'status', 200, 'region', 'eu-west-1', 'latency_ms', g % 997),
       md5(g::text)
FROM generate_series(1, :rows) AS g;
ANALYZE feature_usage;
SQL
}

# duckdb_setup: installs DuckDB 1.4.4 and its postgres and httpfs extension wheels
# (bench/install-duckdb.sh, a no-op once done) and exports what bench/duckdb_reference.py reads:
# BENCH_DUCKDB_EXTENSIONS (the wheels' extension directory) and BENCH_DUCKDB_PYTHON.
duckdb_setup() {
  BENCH_DUCKDB_EXTENSIONS="$(bench/install-duckdb.sh)"
  BENCH_DUCKDB_PYTHON="${BENCH_DUCKDB_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flexprice-exporter/duckdb-bench-venv}/bin/python"
  export BENCH_DUCKDB_EXTENSIONS BENCH_DUCKDB_PYTHON
}
