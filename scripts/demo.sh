#!/usr/bin/env bash
# demo.sh: the README's end-to-end demo. Starts a throwaway PostgreSQL and moto S3 server
# (through with-services.sh), loads the FlexPrice demo data, stores an encrypted S3 connection,
# exports one day of feature_usage with `flexprice-exporter sync`, then shows the run history,
# the uploaded objects and the first lines of the CSV. Exits with sync's exit code.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
if [[ -z ${EXPORTER_TEST_DATABASE_URL:-} ]]; then
  exec scripts/with-services.sh scripts/demo.sh "$@"
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

step "flexprice-exporter migrate"
"$BIN" migrate

step "create bucket $BUCKET on moto ($S3_ENDPOINT)"
curl -fsS -o /dev/null -X PUT "$S3_ENDPOINT/$BUCKET"

step "store the S3 connections conn_demo (CSV, gzip) and conn_demo_parquet (Parquet, ZSTD pages, Athena symlink lists); credentials encrypted with flexprice-exporter encrypt-secret"
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
            'feature_usage', jsonb_build_object('outbound', true))),
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
                'athena_symlinks', true,
                'sync_active', true),
            'feature_usage', jsonb_build_object('outbound', true)));
SQL

step "flexprice-exporter sync --connection conn_demo --entity feature_usage --from 2026-11-20 --to 2026-11-21"
sync_status=0
"$BIN" sync --connection conn_demo --entity feature_usage --from 2026-11-20 --to 2026-11-21 ||
  sync_status=$?
echo "sync exited with $sync_status"

step "flexprice-exporter sync --connection conn_demo_parquet --entity feature_usage --from 2026-11-20 --to 2026-11-21"
parquet_status=0
"$BIN" sync --connection conn_demo_parquet --entity feature_usage --from 2026-11-20 --to 2026-11-21 ||
  parquet_status=$?
echo "sync exited with $parquet_status"
if [[ $sync_status -eq 0 ]]; then sync_status=$parquet_status; fi

step "run history (export_runs)"
psql -X -c "SELECT connection_id, entity_type, window_start, window_end, status, row_count,
  bytes_raw, bytes_uploaded, object_count, manifest_key, error_code, error_message
  FROM export_runs ORDER BY id"

step "objects in s3://$BUCKET"
keys="$(s3_curl "$S3_ENDPOINT/$BUCKET?list-type=2" | python3 -c '
import sys
import xml.etree.ElementTree as ET
for item in ET.parse(sys.stdin).getroot().findall("{*}Contents"):
    print(item.findtext("{*}Key"), item.findtext("{*}Size"))
')"
printf '%s\n' "${keys:-(none)}"

csv_key="$(printf '%s\n' "$keys" | awk '$1 ~ /\.csv\.gz$/ { print $1; exit }')"
if [[ -n $csv_key ]]; then
  step "first lines of $csv_key"
  s3_curl "$S3_ENDPOINT/$BUCKET/$csv_key" | gunzip -c | head -n 5 || true
else
  echo "no .csv.gz object was uploaded"
fi

exit "$sync_status"
