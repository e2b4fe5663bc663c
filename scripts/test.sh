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
if [[ $# -gt 0 || "${EXPORTER_FUZZ_SECONDS:-10}" == 0 ]]; then
  exec scripts/with-services.sh swift test "$@"
fi
scripts/with-services.sh swift test
# The full run (no arguments, as CI runs it) ends with a fuzzing smoke run: every parser of
# outside bytes under libFuzzer and AddressSanitizer for EXPORTER_FUZZ_SECONDS (10) each, from
# its seed corpus (scripts/fuzz.sh; `make fuzz` runs 600 s each). Its own build (.build/fuzz)
# takes about 21 minutes cold on 2 cores, under a minute once built; EXPORTER_FUZZ_SECONDS=0
# skips it (docs/reliability.md, "Fuzzed parsers").
scripts/fuzz.sh "${EXPORTER_FUZZ_SECONDS:-10}"
