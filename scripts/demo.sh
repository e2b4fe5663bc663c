#!/usr/bin/env bash
# demo.sh: the README's end-to-end demo, in FlexPrice's own topology: PostgreSQL for the
# connections and billing tables, ClickHouse for usage, S3 for the objects. Starts a throwaway
# PostgreSQL, moto S3 server and ClickHouse engine (through with-services.sh), loads the FlexPrice
# demo data (billing rows into PostgreSQL, usage into ClickHouse), stores two encrypted S3
# connections (CSV and Parquet), exports one day of feature_usage and meter_usage from ClickHouse
# with `flexprice-exporter sync`, then shows the run history, the uploaded objects and the first
# lines of each CSV. Exits with the first failed sync's exit code (0 when all succeed).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
if [[ -z ${EXPORTER_TEST_DATABASE_URL:-} ]]; then
  # One PostgreSQL server: the second one is for the restart test only.
  exec scripts/with-services.sh --one-postgres scripts/demo.sh "$@"
fi

BUCKET=flexprice-demo
S3_ENDPOINT="$EXPORTER_TEST_S3_ENDPOINT"
step() { printf '\n==> %s\n' "$*"; }
# moto answers anonymous GetObject with 403 but accepts any signed request (auth is off).
s3_curl() { curl -fsS --aws-sigv4 aws:amz:us-east-1:s3 --user demo:demo "$@"; }

step "swift build"
# with-services.sh ran it already unless the services were given; quick when nothing is missing.
scripts/install-deps.sh
swift build
BIN="$(swift build --show-bin-path)/flexprice-exporter"

export DATABASE_URL="$EXPORTER_TEST_DATABASE_URL"
export FLEXPRICE_SECRETS_ENCRYPTION_KEY=demo-encryption-key-change-me
# moto listens on http://127.0.0.1: a tenant's endpoint may not point at loopback nor use plain
# HTTP unless the operator allows it, as here (docs/configuration.md).
export EXPORTER_ALLOW_PRIVATE_ENDPOINTS=true EXPORTER_ALLOW_HTTP_ENDPOINTS=true

step "load the FlexPrice schema and demo data"
psql -q -X -v ON_ERROR_STOP=1 -f db/flexprice-schema.sql
psql -q -X -v ON_ERROR_STOP=1 -f db/demo-data.sql

step "load FlexPrice's usage into ClickHouse (meter_usage, events, feature_usage), one statement per request"
CLICKHOUSE_ENDPOINT="${EXPORTER_TEST_CLICKHOUSE_CONTROL%/__front}"
# ch_query SQL: one statement through ClickHouse's HTTP interface (basic auth, database flexprice).
ch_query() {
  curl -sS --fail-with-body --user "default:$EXPORTER_TEST_CLICKHOUSE_PASSWORD" \
    --data-binary "$1" "$CLICKHOUSE_ENDPOINT/?database=flexprice"
}
# The file's statements end with ';' (its only semicolons); a piece with only comments is skipped.
while IFS= read -r -d ';' statement; do
  if grep -qv -e '^[[:space:]]*$' -e '^[[:space:]]*--' <<<"$statement"; then
    ch_query "$statement"
  fi
done <db/clickhouse-demo-data.sql
DEMO_SCOPE="tenant_id = 'tenant_demo' AND environment_id = 'env_demo'
              AND timestamp >= '2026-11-20 00:00:00' AND timestamp < '2026-11-21 00:00:00'"
ch_query "SELECT table, stored, in_window AS in_window_after_final FROM (
            SELECT 'meter_usage' AS table, (SELECT count() FROM meter_usage) AS stored, count() AS in_window
              FROM meter_usage FINAL WHERE $DEMO_SCOPE
            UNION ALL SELECT 'events', (SELECT count() FROM events), count() FROM events FINAL WHERE $DEMO_SCOPE
            UNION ALL SELECT 'feature_usage', (SELECT count() FROM feature_usage), count()
              FROM feature_usage FINAL WHERE $DEMO_SCOPE)
          ORDER BY table FORMAT PrettyCompact"

# The exporter reads usage from ClickHouse's HTTP interface; the password stays out of the URL.
export EXPORTER_CLICKHOUSE_URL="${CLICKHOUSE_ENDPOINT/http:\/\//http://default@}/flexprice"
export EXPORTER_CLICKHOUSE_PASSWORD="$EXPORTER_TEST_CLICKHOUSE_PASSWORD"
# With it set, feature_usage comes from ClickHouse's feature_usage too (200 rows in the window,
# like PostgreSQL's copy in db/demo-data.sql), and meter_usage (480 rows after FINAL) is exported.

step "flexprice-exporter migrate"
"$BIN" migrate

step "create bucket $BUCKET on moto ($S3_ENDPOINT)"
curl -fsS -o /dev/null -X PUT "$S3_ENDPOINT/$BUCKET"

step "store the S3 connections conn_demo (CSV, gzip) and conn_demo_parquet (Parquet, ZSTD pages, each entity a Delta Lake table, Athena symlink lists); credentials encrypted with flexprice-exporter encrypt-secret"
AK="$(printf %s AKIADEMOEXAMPLE | "$BIN" encrypt-secret)"
SK="$(printf %s demoSecretKeyExample | "$BIN" encrypt-secret)"
psql -q -X -v ON_ERROR_STOP=1 -v ak="$AK" -v sk="$SK" -v bucket="$BUCKET" \
  -v endpoint="$S3_ENDPOINT" <<'SQL'
INSERT INTO connections (id, tenant_id, environment_id, name, provider_type, status,
                         encrypted_secret_data, sync_config)
VALUES ('conn_demo', 'tenant_demo', 'env_demo', 'Demo S3', 's3', 'published',
        jsonb_build_object('aws_access_key_id', :'ak', 'aws_secret_access_key', :'sk'),
        jsonb_build_object(
            's3', jsonb_build_object(
                'bucket', :'bucket',
                'region', 'us-east-1',
                'key_prefix', 'exports/flexprice',
                'endpoint_url', :'endpoint',
                'compression', 'gzip',
                'encryption', 'AES256',
                'interval', 'daily',
                'format', 'csv',
                'sync_active', true),
            'feature_usage', jsonb_build_object('outbound', true),
            'meter_usage', jsonb_build_object('outbound', true))),
       ('conn_demo_parquet', 'tenant_demo', 'env_demo', 'Demo S3 (Parquet)', 's3', 'published',
        jsonb_build_object('aws_access_key_id', :'ak', 'aws_secret_access_key', :'sk'),
        jsonb_build_object(
            's3', jsonb_build_object(
                'bucket', :'bucket',
                'region', 'us-east-1',
                'key_prefix', 'exports/parquet',
                'endpoint_url', :'endpoint',
                'compression', 'zstd',
                'format', 'parquet',
                'table_format', 'delta',
                'athena_symlinks', true,
                'sync_active', true),
            'feature_usage', jsonb_build_object('outbound', true),
            'meter_usage', jsonb_build_object('outbound', true)));
SQL

# demo_sync CONNECTION ENTITY: one day of ENTITY through CONNECTION; the first failure's exit
# code becomes the demo's.
sync_status=0
demo_sync() {
  step "flexprice-exporter sync --connection $1 --entity $2 --from 2026-11-20 --to 2026-11-21"
  local status=0
  "$BIN" sync --connection "$1" --entity "$2" --from 2026-11-20 --to 2026-11-21 || status=$?
  echo "sync exited with $status"
  if [[ $sync_status -eq 0 ]]; then sync_status=$status; fi
}
demo_sync conn_demo feature_usage
demo_sync conn_demo_parquet feature_usage
demo_sync conn_demo meter_usage
demo_sync conn_demo_parquet meter_usage

step "run history (export_runs)"
psql -X -c "SELECT connection_id, entity_type, window_start, window_end, status, row_count,
  bytes_raw, bytes_uploaded, object_count, manifest_key, delta_version, error_code, error_message
  FROM export_runs ORDER BY id"

step "objects in s3://$BUCKET"
keys="$(s3_curl "$S3_ENDPOINT/$BUCKET?list-type=2" | python3 -c '
import sys
import xml.etree.ElementTree as ET
for item in ET.parse(sys.stdin).getroot().findall("{*}Contents"):
    print(item.findtext("{*}Key"), item.findtext("{*}Size"))
')"
printf '%s\n' "${keys:-(none)}"

csv_keys="$(printf '%s\n' "$keys" | awk '$1 ~ /\.csv\.gz$/ { print $1 }')"
if [[ -z $csv_keys ]]; then
  echo "no .csv.gz object was uploaded"
fi
for csv_key in $csv_keys; do
  step "first lines of $csv_key"
  s3_curl "$S3_ENDPOINT/$BUCKET/$csv_key" | gunzip -c | head -n 5 || true
done

exit "$sync_status"
