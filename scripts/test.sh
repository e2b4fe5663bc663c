#!/usr/bin/env bash
# test.sh [ARGS...]: the project's test command: `swift test ARGS...` next to a throwaway
# PostgreSQL, moto S3 server and ClickHouse engine (see with-services.sh). Works from any directory.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The independent Parquet readers (pyarrow, DuckDB, fastparquet) that ParquetWriterTests and
# ParquetExportTests check our files with (after install-deps.sh, which brings python3).
scripts/install-deps.sh
scripts/install-parquet-readers.sh
# The ClickHouse engine (chDB) the ClickHouse tests read usage from; with-services.sh starts it
# behind scripts/clickhouse-front.py.
scripts/install-clickhouse.sh
exec scripts/with-services.sh swift test "$@"
