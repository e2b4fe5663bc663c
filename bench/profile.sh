#!/usr/bin/env bash
# bench/profile.sh [ROWS] [FORMAT/COMPRESSION]: where an export's CPU goes
# (bench/results/profile.md). Starts a throwaway PostgreSQL and moto, seeds ROWS feature_usage
# rows (default 1,000,000) as bench.py does, runs the release binary's `sync` of that window into
# a local directory under `perf record -g`, and prints the CPU share of each thread, library and
# symbol. The export is csv/gzip unless the second argument says otherwise: `csv/none` (the
# client-CPU figure of `make bench`), `parquet/zstd`, ...
# EXPORTER_BIN names a binary already built (default: build the release binary).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${EXPORTER_TEST_DATABASE_URL:-}" ]]; then
  exec scripts/with-services.sh "$0" "$@"
fi
command -v perf >/dev/null || { echo "profile: perf is missing (Debian: linux-perf)" >&2; exit 1; }
ROWS="${1:-1000000}"
VARIANT="${2:-csv/gzip}"

if [[ -z "${EXPORTER_BIN:-}" ]]; then
  swift build -c release --product flexprice-exporter >&2
  EXPORTER_BIN="$(swift build -c release --show-bin-path)/flexprice-exporter"
fi
export EXPORTER_BIN BENCH_AWS=unused
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

CONNECTION="$(python3 - "$ROWS" "$VARIANT" <<'PY'
import sys
sys.path.insert(0, "bench")
import bench
bench.prepare_database("flexprice")
bench.create_bucket(bench.BUCKET)
secrets = bench.Secrets()
tenant = bench.seed_usage(int(sys.argv[1]), secrets)
file_format, compression = sys.argv[2].split("/")
print(bench.add_connection(tenant, f"conn_{tenant}_profile", secrets, f"{tenant}-profile",
                           format=file_format, compression=compression))
PY
)"

env DATABASE_URL="$EXPORTER_TEST_DATABASE_URL" FLEXPRICE_SECRETS_ENCRYPTION_KEY=bench-encryption-key \
  EXPORTER_LOG_LEVEL=error EXPORTER_SINK_DIRECTORY="$OUT/sink" \
  perf record -F 499 -g -o "$OUT/perf.data" -- \
  "$EXPORTER_BIN" sync --connection "$CONNECTION" --entity feature_usage --from 2026-11-20 --to 2026-11-21

# `head` closes the pipe early; that is not a failure.
set +o pipefail
echo "== CPU samples by thread (postgres: the connection's thread, which reads, decodes and encodes rows; the rest: compression and upload)"
perf report -i "$OUT/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep '%' | head -5
echo "== by library"
perf report -i "$OUT/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -8
echo "== top symbols, all threads"
perf report -i "$OUT/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null | grep '%' | head -30 | cut -c1-160
