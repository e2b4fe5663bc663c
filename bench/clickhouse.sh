#!/usr/bin/env bash
# bench/clickhouse.sh [--rows N,N] [--runs N] [--output FILE]: ClickHouse writing one window of
# FlexPrice's meter_usage to the moto S3 server itself (issue 23's reference for the exporter's
# ClickHouse source): `INSERT INTO FUNCTION s3(...) SELECT ... FROM meter_usage FINAL ... ORDER BY
# timestamp, id` as csv.gz (CSVWithNames) and as Parquet with zstd pages, 1M and 10M rows by
# default, run by the ClickHouse engine the tests use (chDB behind scripts/clickhouse-front.py).
# With EXPORTER_BIN=<a flexprice-exporter binary>, `flexprice-exporter sync --entity meter_usage`
# of the same window runs interleaved with it, as csv.gz and as Parquet zstd (two connections,
# reading the same engine through EXPORTER_CLICKHOUSE_URL). Also `make bench BENCH_ARGS="clickhouse
# ..."`. Medians go to bench/results/clickhouse.md (bench/clickhouse_export.py has the details).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${EXPORTER_TEST_CLICKHOUSE_URL:-}" ]]; then
  exec scripts/with-services.sh --one-postgres "$0" "$@"
fi
export BENCH_BUCKET=flexprice-bench
curl -fsS -X PUT "$EXPORTER_TEST_S3_ENDPOINT/$BENCH_BUCKET" >/dev/null

if [[ -n "${EXPORTER_BIN:-}" ]]; then
  source bench/lib.sh
  bench_setup "${BENCH_CONFIGURATION:-release}"
  # The exporter reads the same engine; the password stays out of the URL.
  clickhouse_endpoint="${EXPORTER_TEST_CLICKHOUSE_CONTROL%/__front}"
  export EXPORTER_CLICKHOUSE_URL="${clickhouse_endpoint/http:\/\//http://default@}/flexprice"
  export EXPORTER_CLICKHOUSE_PASSWORD="$EXPORTER_TEST_CLICKHOUSE_PASSWORD"
  psql -q -X -v ON_ERROR_STOP=1 -v ak="$ak" -v sk="$sk" -v bucket="$BENCH_BUCKET" \
    -v endpoint="$EXPORTER_TEST_S3_ENDPOINT" <<'SQL'
INSERT INTO connections (id, tenant_id, environment_id, name, provider_type, status, encrypted_secret_data, sync_config)
SELECT 'conn_ch_' || kind, 'tenant_bench', 'env_bench', 'ClickHouse bench ' || kind, 's3', 'published',
       jsonb_build_object('aws_access_key_id', :'ak', 'aws_secret_access_key', :'sk'),
       jsonb_build_object('s3', jsonb_build_object('bucket', :'bucket', 'region', 'us-east-1',
                                                   'key_prefix', 'exporter-' || kind, 'endpoint_url', :'endpoint',
                                                   'format', kind, 'compression', codec, 'sync_active', true,
                                                   'max_file_size_mb', 100000),
                          'meter_usage', jsonb_build_object('outbound', true))
FROM (VALUES ('csv', 'gzip'), ('parquet', 'zstd')) AS v(kind, codec);
SQL
  export BIN BENCH_CONFIGURATION="${BENCH_CONFIGURATION:-release}"
fi
exec python3 bench/clickhouse_export.py run "$@"
