#!/usr/bin/env bash
# bench/run.sh [bench.py options]: the benchmark of issues 6 and 13 (`make bench`). Starts a
# throwaway PostgreSQL and moto (scripts/with-services.sh), builds the release binary (unless
# EXPORTER_BIN names one already built), installs the AWS CLI for the reference pipeline and
# DuckDB 1.4.4 (bench/lib.sh duckdb_setup) into private virtualenvs, then runs bench/bench.py,
# which prints the targets table with the machine, as Markdown, and writes it to
# bench/results/latest.md (--output elsewhere). `bench/run.sh --help` lists the options
# (--rows, --runs, --rss-sizes, --parquet-codec, --idle-seconds, --output); `--idle-only` measures
# just the idle daemon, metrics listener on and off.
#
# bench/run.sh parquet|zstd|memory|profile|clickhouse|delta-scale [ARGS...] runs bench/NAME.sh ARGS instead (each starts
# its own services), so every benchmark is reachable as `make bench BENCH_ARGS="NAME ARGS"`, e.g.
# `make bench BENCH_ARGS=parquet` (the exporter's Parquet against DuckDB 1.4.4).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
case "${1:-}" in
  parquet | zstd | memory | profile | clickhouse | delta-scale)
    name="$1"
    shift
    exec "bench/$name.sh" "$@"
    ;;
esac
if [[ -z "${EXPORTER_TEST_DATABASE_URL:-}" ]]; then
  exec scripts/with-services.sh "$0" "$@"
fi

AWS_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/flexprice-exporter/aws-venv"
if [[ ! -x "$AWS_VENV/bin/aws" ]]; then
  echo "bench: installing the AWS CLI into $AWS_VENV" >&2
  python3 -m venv "$AWS_VENV"
  "$AWS_VENV/bin/pip" install -q "awscli==1.46.3"
fi
command -v gzip >/dev/null || { echo "bench: gzip is missing" >&2; exit 1; }

source bench/lib.sh
duckdb_setup

if [[ -z "${EXPORTER_BIN:-}" ]]; then
  swift build -c release --product flexprice-exporter >&2
  EXPORTER_BIN="$(swift build -c release --show-bin-path)/flexprice-exporter"
fi
[[ -x "$EXPORTER_BIN" ]] || { echo "bench: $EXPORTER_BIN is not an executable" >&2; exit 1; }
export EXPORTER_BIN BENCH_AWS="$AWS_VENV/bin/aws"
exec python3 bench/bench.py "$@"
