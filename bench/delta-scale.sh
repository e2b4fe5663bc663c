#!/usr/bin/env bash
# bench/delta-scale.sh [--files N,N] [--runs N] [--output FILE]: what a Delta table's size costs a
# window's commit (issue 26: "an hourly stream's table stays fast to open after years").
#
# For each table size N (default 0, 8,760 and 26,280 live files: none, one and three years of an
# hourly stream), one hourly feature_usage stream exported as a Delta table to the moto S3 server:
# `flexprice-exporter sync` writes version 0 (a real window); versions 1..8 are written beside it
# as another writer would, holding N more files between them (the window's own add, renamed to
# older hours; the files themselves are never read); then, measured:
#   - catch-up: the next window's sync (version 9), which replays versions 1..8 from S3 into the
#     exporter's copy of the table state in PostgreSQL;
#   - checkpoint: the next (version 10), which also writes the Parquet checkpoint of N + 3 files;
#   - commit: the windows after (versions 11...), --runs of them, medians: a window's commit on a
#     table of N files.
# Reference, side by side: delta-rs (PyPI deltalake, the readers' venv) appending the same
# window's rows to the same table (`write_deltalake(mode="append")`), which loads the table
# from its checkpoint and commits; --runs of them, medians.
# Wall time, CPU time (the process and its threads) and peak RSS per process (wait4). The table is
# written to bench/results/delta-scale.md. BENCH_CONFIGURATION=debug measures a debug build
# (default: release). `--help` lists the options.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ " $* " == *" --help "* || " $* " == *" -h "* ]]; then
  exec python3 bench/delta_scale.py --help
fi
if [[ -z "${EXPORTER_TEST_DATABASE_URL:-}" ]]; then
  exec scripts/with-services.sh --one-postgres "$0" "$@"
fi

scripts/install-parquet-readers.sh >&2
source bench/lib.sh
bench_setup "${BENCH_CONFIGURATION:-release}"
curl -fsS -X PUT "$EXPORTER_TEST_S3_ENDPOINT/flexprice-bench" >/dev/null

export BIN ak sk
export BENCH_CONFIGURATION="${BENCH_CONFIGURATION:-release}"
export BENCH_READERS_PYTHON="${PARQUET_READERS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flexprice-exporter/parquet-venv}/bin/python"
exec "$BENCH_READERS_PYTHON" bench/delta_scale.py "$@"
