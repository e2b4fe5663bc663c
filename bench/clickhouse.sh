#!/usr/bin/env bash
# bench/clickhouse.sh [--rows N,N] [--runs N] [--output FILE]: ClickHouse writing one window of
# FlexPrice's meter_usage to the moto S3 server itself (issue 23's reference for the exporter's
# ClickHouse source): `INSERT INTO FUNCTION s3(...) SELECT ... FROM meter_usage FINAL ... ORDER BY
# timestamp, id` as csv.gz (CSVWithNames) and as Parquet with zstd pages, 1M and 10M rows by
# default, run by the ClickHouse engine the tests use (chDB behind scripts/clickhouse-front.py).
# Also `make bench BENCH_ARGS="clickhouse ..."`. Medians of interleaved runs go to
# bench/results/clickhouse.md (bench/clickhouse_export.py has the details).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${EXPORTER_TEST_CLICKHOUSE_URL:-}" ]]; then
  EXPORTER_SERVICES=demo exec scripts/with-services.sh "$0" "$@"
fi
export BENCH_BUCKET=flexprice-bench
curl -fsS -X PUT "$EXPORTER_TEST_S3_ENDPOINT/$BENCH_BUCKET" >/dev/null
exec python3 bench/clickhouse_export.py run "$@"
