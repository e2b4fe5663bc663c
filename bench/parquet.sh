#!/usr/bin/env bash
# bench/parquet.sh [--rows N] [--runs N] [--rss-sizes N,N] [--variants ...]: the exporter's Parquet
# against DuckDB 1.4.4 doing the same export (issue 12). Also `make bench BENCH_ARGS="parquet ..."`
# (bench/run.sh passes a first argument `parquet` here).
#
# One daily window of N feature_usage rows (default 1,000,000; bench/lib.sh's seed) exported to
# the moto S3 server by `flexprice-exporter sync` with `format: parquet` (compression zstd and
# gzip: the page codec), and by DuckDB's
#   COPY (SELECT <DESIGN §2 columns> FROM postgres_scan(...) WHERE tenant/env/window
#         ORDER BY "timestamp", id) TO 's3://...' (FORMAT parquet, COMPRESSION zstd | gzip | <none>)
# with DuckDB's default codec (snappy) too. Each variant runs --runs times (default 3),
# interleaved; the medians are printed side by side (wall time, CPU time of the process and its
# threads, peak RSS, object bytes) with the exporter/DuckDB ratios at the same codec, every
# object is read back by DuckDB (row count, codec, column types), and the table is written to
# bench/results/parquet.md (a hand-written "## Notes" section under it survives). While the
# variants run, feature_usage holds that window's rows alone: postgres_scan reads a table whole
# (ctid ranges, filtered in DuckDB), so other tenants' rows would slow DuckDB, not the exporter.
# --rss-sizes 1000000,10000000 adds the exporter's peak RSS (Parquet, zstd) at each size, one run
# each (a 10M seed takes minutes). Targets: exporter peak RSS <= 64 MiB, flat from 1M to 10M;
# bytes <= 110% of DuckDB's at ZSTD; wall time <= 1.25x DuckDB's.
#
# DuckDB comes from PyPI (duckdb==1.4.4 and the duckdb-ext-postgres / duckdb-ext-httpfs wheels),
# installed by bench/install-duckdb.sh into a private venv and loaded offline through
# `extension_directory`. Peak RSS is each process's own (wait4's ru_maxrss); DuckDB's includes
# its Python host, whose idle figure (DuckDB loaded, extensions loaded) is printed too.
# BENCH_CONFIGURATION=debug measures a debug build (default: release). `--help` lists the options.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ " $* " == *" --help "* || " $* " == *" -h "* ]]; then
  exec python3 bench/parquet.py --help
fi
if [[ -z "${EXPORTER_TEST_DATABASE_URL:-}" ]]; then
  exec scripts/with-services.sh "$0" "$@"
fi

source bench/lib.sh
duckdb_setup
bench_setup "${BENCH_CONFIGURATION:-release}"
curl -fsS -X PUT "$EXPORTER_TEST_S3_ENDPOINT/flexprice-bench" >/dev/null

export BIN ak sk
export BENCH_CONFIGURATION="${BENCH_CONFIGURATION:-release}"
exec python3 bench/parquet.py "$@"
