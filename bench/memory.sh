#!/usr/bin/env bash
# bench/memory.sh [ROWS...]: exports ROWS feature_usage rows (default: 200000 2000000) of one
# daily window with `flexprice-exporter sync` (CSV + gzip, to moto) and prints, per size, the
# wall time and the exporter's peak RSS, next to `psql \copy ... | gzip -6 > file` as a reference.
# Target (issue 3): peak RSS <= 64 MiB at every size, the largest within 10% of the smallest.
# `make bench` measures the same (bench.py --rss-sizes, default 1000000,10000000: S3 sink, CSV +
# gzip) and shows it in its targets table, the largest size's peak RSS over the smallest's as a
# ratio; this script is the quick look at peak RSS alone.
# BENCH_CONFIGURATION=debug measures a debug build (default: release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${EXPORTER_TEST_DATABASE_URL:-}" ]]; then
  exec scripts/with-services.sh "$0" "$@"
fi
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(200000 2000000)
configuration="${BENCH_CONFIGURATION:-release}"

source bench/lib.sh
bench_setup "$configuration"
curl -fsS -X PUT "$EXPORTER_TEST_S3_ENDPOINT/flexprice-bench" >/dev/null
columns="id, tenant_id, environment_id, external_customer_id, customer_id, subscription_id, sub_line_item_id, price_id, meter_id, feature_id, period_id, event_name, source, \"timestamp\", ingested_at, qty_total, properties, unique_hash"

# Runs a command and prints "seconds peak-rss-kib" of it and its children (bench/measure.py).
measure() {
  python3 - "$@" <<'PY'
import sys
sys.path.insert(0, "bench")
from measure import measure
sample = measure(sys.argv[1:], label="bench/memory")
print(f"{sample.wall:.2f} {sample.rss // 1024}")
PY
}

results=()
for rows in "${sizes[@]}"; do
  tenant="bench_$rows"
  echo "seeding $rows rows..." >&2
  seed_feature_usage "$tenant" "$rows"
  psql -q -X -v ON_ERROR_STOP=1 -v tenant="$tenant" -v ak="$ak" -v sk="$sk" \
       -v endpoint="$EXPORTER_TEST_S3_ENDPOINT" <<'SQL'
DELETE FROM connections WHERE id = 'conn_' || :'tenant';
INSERT INTO connections (id, tenant_id, environment_id, name, provider_type, status, encrypted_secret_data, sync_config)
VALUES ('conn_' || :'tenant', :'tenant', 'env_bench', 'bench', 's3', 'published',
        jsonb_build_object('aws_access_key_id', :'ak', 'aws_secret_access_key', :'sk'),
        jsonb_build_object('s3', jsonb_build_object('bucket', 'flexprice-bench', 'region', 'us-east-1',
            'endpoint_url', :'endpoint', 'key_prefix', :'tenant', 'sync_active', true, 'max_file_size_mb', 100000)));
SQL
  read -r exporter_seconds exporter_rss < <(measure "$BIN" sync --connection "conn_$tenant" --entity feature_usage --from 2026-11-20 --to 2026-11-21)
  reference_file="$(mktemp)"
  read -r reference_seconds _ < <(measure bash -c "psql -X -q -c \"\\copy (SELECT $columns FROM feature_usage WHERE tenant_id = '$tenant' AND environment_id = 'env_bench' AND \\\"timestamp\\\" >= '2026-11-20' AND \\\"timestamp\\\" < '2026-11-21' ORDER BY \\\"timestamp\\\", id) TO STDOUT WITH CSV HEADER\" | gzip -6 > '$reference_file'")
  rm -f "$reference_file"
  results+=("$rows $exporter_seconds $((exporter_rss / 1024)) $reference_seconds")
done

printf '\n%-10s %12s %12s %16s %14s\n' rows "exporter s" "peak RSS MiB" "psql|gzip s" "time ratio"
for line in "${results[@]}"; do
  read -r rows seconds rss reference <<<"$line"
  ratio="$(python3 -c "print(f'{$seconds / $reference:.2f}')")"
  printf '%-10s %12s %12s %16s %14s\n' "$rows" "$seconds" "$rss" "$reference" "$ratio"
done
echo "(build: $configuration; target: peak RSS <= 64 MiB at every size and within 10% across sizes)"
