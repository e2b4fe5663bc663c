#!/usr/bin/env bash
# install-parquet-readers.sh: installs the independent Parquet readers the tests check our files
# with (pyarrow, DuckDB, fastparquet, pandas) into a private virtualenv, because Debian's python
# refuses system-wide pip installs and the readers must not be ours. The same venv holds
# prometheus-client, the independent Prometheus text-format parser MetricsTests reads /metrics with,
# and pytz, without which DuckDB cannot hand a TIMESTAMPTZ value to Python (it raises instead).
# For Delta Lake tables (DeltaLakeTests: our checkpoints and JSON commits), the independent Delta
# readers: deltalake (delta-rs), polars (read_delta, over delta-rs) and DuckDB's delta extension
# (duckdb-ext-delta ships delta.duckdb_extension in the venv's duckdb_ext/extensions/v<duckdb>/<platform>/,
# loaded by path with `LOAD '<file>'`, so no test downloads an extension).
#
# The tests that read our files back (ParquetWriterTests' IndependentReaderTests, the integration
# suite ParquetExportTests) find the venv's python through TestSupport's ReaderPython:
# PARQUET_READERS_PYTHON, or the default path below; without it those tests are skipped locally
# and fail under CI=true.
# Idempotent: a quick no-op when every reader already imports.
set -euo pipefail

VENV="${PARQUET_READERS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flexprice-exporter/parquet-venv}"
# Pinned so the statistics and type mapping the tests compare against do not drift between runs.
SPECS=(
  "${PARQUET_READERS_PYARROW_SPEC:-pyarrow==26.0.1}"
  "${PARQUET_READERS_DUCKDB_SPEC:-duckdb==1.4.4}"
  "${PARQUET_READERS_FASTPARQUET_SPEC:-fastparquet==2026.9.0}"
  "${PARQUET_READERS_PANDAS_SPEC:-pandas==3.1.1}"
  "${PARQUET_READERS_PROMETHEUS_SPEC:-prometheus-client==0.26.0}"
  "${PARQUET_READERS_PYTZ_SPEC:-pytz==2026.6}"
  "${PARQUET_READERS_DELTALAKE_SPEC:-deltalake==1.6.6}"
  "${PARQUET_READERS_POLARS_SPEC:-polars==2.1.0}"
  "${PARQUET_READERS_DUCKDB_DELTA_SPEC:-duckdb-ext-delta==1.4.4.20260205}"
)
# Every module the tests import; duckdb_ext is duckdb-ext-delta's (a namespace package of files).
IMPORTS='import pyarrow, duckdb, fastparquet, pandas, prometheus_client, pytz, deltalake, polars, duckdb_ext'

if [[ -x "$VENV/bin/python" ]] \
  && "$VENV/bin/python" -c "$IMPORTS" 2>/dev/null; then
  exit 0
fi

# python3 and its venv module (quick when present).
"$(dirname "${BASH_SOURCE[0]}")/install-deps.sh"

# An existing venv (one from before a reader was added) is completed in place: pip installs only
# what is missing or at another version.
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "install-parquet-readers: creating $VENV" >&2
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "${SPECS[@]}"
"$VENV/bin/python" -c "$IMPORTS"'; print("install-parquet-readers: pyarrow", pyarrow.__version__, "duckdb", duckdb.__version__, "fastparquet", fastparquet.__version__, "deltalake", deltalake.__version__, "polars", polars.__version__)'
