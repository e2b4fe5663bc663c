#!/usr/bin/env bash
# test.sh [ARGS...]: the project's test command: `swift test ARGS...` next to a throwaway
# PostgreSQL and moto S3 server (see with-services.sh). Works from any directory.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The independent Parquet readers (pyarrow, DuckDB, fastparquet) that ParquetWriterTests and
# ParquetExportTests check our files with (after install-deps.sh, which brings python3).
scripts/install-deps.sh
scripts/install-parquet-readers.sh
exec scripts/with-services.sh swift test "$@"
