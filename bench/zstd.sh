#!/usr/bin/env bash
# bench/zstd.sh [ROWS] [RUNS]: `compression: zstd` against `gzip` (and `none`) on this machine.
# Exports one daily window of ROWS feature_usage rows (default 1000000; the shape of bench.py's
# rows) with `flexprice-exporter sync` into a local directory (EXPORTER_SINK_DIRECTORY, so S3
# does not blur the compressor's cost), RUNS times per compression (default 3), interleaved, and
# prints the medians side by side: wall time, CPU time (user + system of the exporter and its
# libzstd/zlib threads), peak RSS, bytes stored. Then the `gzip -6` and `zstd -3 -T0` tools on the
# uncompressed export, for scale. Every compressed export is checked to decompress (`gzip -d`,
# `zstd -d`) to the uncompressed one. Levels: EXPORTER_GZIP_LEVEL / EXPORTER_ZSTD_LEVEL (defaults 6, 3).
# BENCH_CONFIGURATION=debug measures a debug build (default: release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${EXPORTER_TEST_DATABASE_URL:-}" ]]; then
  exec scripts/with-services.sh "$0" "$@"
fi
rows="${1:-1000000}"
runs="${2:-3}"

source bench/lib.sh
bench_setup "${BENCH_CONFIGURATION:-release}"
tenant="bench_zstd_$rows"

echo "bench/zstd: seeding $rows rows..." >&2
seed_feature_usage "$tenant" "$rows"
psql -q -X -v ON_ERROR_STOP=1 -v tenant="$tenant" -v ak="$ak" -v sk="$sk" <<'SQL'
DELETE FROM connections WHERE tenant_id = :'tenant';
INSERT INTO connections (id, tenant_id, environment_id, name, provider_type, status, encrypted_secret_data, sync_config)
SELECT 'conn_' || :'tenant' || '_' || c, :'tenant', 'env_bench', 'bench ' || c, 's3', 'published',
       jsonb_build_object('aws_access_key_id', :'ak', 'aws_secret_access_key', :'sk'),
       jsonb_build_object('s3', jsonb_build_object('bucket', 'flexprice-bench', 'region', 'us-east-1',
           'key_prefix', c, 'compression', c, 'sync_active', true, 'max_file_size_mb', 100000,
           'entity_types', jsonb_build_array('feature_usage')))
FROM unnest(ARRAY['gzip', 'zstd', 'none']) AS c;
SQL

work="$(mktemp -d /tmp/flexprice-bench-zstd.XXXXXX)"
trap 'rm -rf "$work"' EXIT
BIN="$BIN" TENANT="$tenant" WORK="$work" ROWS="$rows" RUNS="$runs" python3 - <<'PY'
import os, statistics, subprocess, sys
sys.path.insert(0, "bench")
from measure import measure

BIN, TENANT, WORK = os.environ["BIN"], os.environ["TENANT"], os.environ["WORK"]
ROWS, RUNS = int(os.environ["ROWS"]), int(os.environ["RUNS"])
MIB = 1024 * 1024

def run(command, stdin=None, stdout=None, env=None):
    """(wall s, CPU s of the process and its threads, peak RSS bytes): bench/measure.py."""
    sample = measure(command, env=env, label="bench/zstd", stdin=stdin, stdout=stdout)
    return sample.wall, sample.cpu, sample.rss

def export_file(compression):
    folder = os.path.join(WORK, "flexprice-bench", compression)
    files = [os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs if not f.endswith("_manifest.json")]
    if len(files) != 1:
        sys.exit(f"bench/zstd: expected one data object under {folder}, found {files}")
    return files[0]

compressions = ["gzip", "zstd", "none"]
samples = {c: [] for c in compressions}
for i in range(RUNS):
    for c in compressions:
        print(f"bench/zstd: {ROWS:,} rows, run {i + 1} of {RUNS}, {c}", file=sys.stderr, flush=True)
        env = dict(os.environ, EXPORTER_SINK_DIRECTORY=WORK)
        samples[c].append(run([BIN, "sync", "--connection", f"conn_{TENANT}_{c}", "--entity", "feature_usage",
                               "--from", "2026-11-20", "--to", "2026-11-21"], env=env))

plain = export_file("none")
raw = os.path.getsize(plain)
# Compared by cmp, not in Python: a child's peak RSS on Linux starts from its parent's, so this
# process must stay small for the tools' figures below.
for c, tool in (("gzip", "gzip -d -c"), ("zstd", "zstd -d -c -q")):
    if subprocess.run(f"{tool} < '{export_file(c)}' | cmp -s - '{plain}'", shell=True).returncode != 0:
        sys.exit(f"bench/zstd: {tool} of the {c} export differs from the uncompressed export")

# The command line tools on the uncompressed export, for scale (the exporter's levels).
gzip_level, zstd_level = os.environ.get("EXPORTER_GZIP_LEVEL", "6"), os.environ.get("EXPORTER_ZSTD_LEVEL", "3")
tools = {}
for name, command in ((f"gzip -{gzip_level} (one core)", ["gzip", f"-{gzip_level}", "-c"]),
                      (f"zstd -{zstd_level} -T0", ["zstd", f"-{zstd_level}", "-T0", "-c", "-q"])):
    out = os.path.join(WORK, "tool.out")
    figures = []
    for _ in range(RUNS):
        with open(plain, "rb") as source, open(out, "wb") as sink:
            figures.append(run(command, stdin=source, stdout=sink))
    tools[name] = (figures, os.path.getsize(out))

print()
print(f"{ROWS:,} feature_usage rows, CSV, {raw / 1e6:.1f} MB uncompressed, to a local directory; "
      f"medians of {RUNS} runs, interleaved; {os.cpu_count()} cores")
print(f"{'':28} {'wall s':>8} {'CPU s':>8} {'peak RSS MiB':>13} {'bytes':>14} {'of raw':>7}")
def line(label, figures, size):
    wall = statistics.median(f[0] for f in figures)
    cpu = statistics.median(f[1] for f in figures)
    rss = max(f[2] for f in figures)
    print(f"{label:28} {wall:8.2f} {cpu:8.2f} {rss / MIB:13.1f} {size:14,} {100 * size / raw:6.1f}%")
for c in compressions:
    level = {"gzip": f" (level {gzip_level})", "zstd": f" (level {zstd_level})", "none": ""}[c]
    line(f"exporter {c}{level}", samples[c], os.path.getsize(export_file(c)))
for name, (figures, size) in tools.items():
    line(name, figures, size)
PY
