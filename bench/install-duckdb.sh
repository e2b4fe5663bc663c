#!/usr/bin/env bash
# bench/install-duckdb.sh: installs DuckDB 1.4.4 and its postgres and httpfs extensions, as PyPI
# wheels, into a private virtualenv for bench/parquet.sh and bench/run.sh (the reference Parquet and
# csv.gz exports; bench/lib.sh duckdb_setup runs it), and
# prints the extension directory those wheels fill (DuckDB's `extension_directory`, so DuckDB
# loads them offline and never downloads an extension at run time).
#
# Bench only: the test readers live in scripts/install-parquet-readers.sh's venv, which has no
# extension wheels and must not change under the tests. Idempotent: a quick no-op when the venv
# already holds the pinned versions.
set -euo pipefail

VENV="${BENCH_DUCKDB_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flexprice-exporter/duckdb-bench-venv}"
DUCKDB_VERSION=1.4.4
# The extension wheels are versioned <duckdb version>.<build date>; these match DuckDB 1.4.4.
SPECS=(
  "duckdb==$DUCKDB_VERSION"
  "duckdb-ext-postgres==1.4.4.20260205"
  "duckdb-ext-httpfs==1.4.4.20260205"
)

# Prints the extension directory, or fails when the venv lacks DuckDB or an extension file.
extension_directory() {
  "$VENV/bin/python" - "$DUCKDB_VERSION" <<'PY'
import os, sys, sysconfig
import duckdb
if duckdb.__version__ != sys.argv[1]:
    sys.exit(1)
folder = os.path.join(sysconfig.get_paths()["purelib"], "duckdb_ext", "extensions")
platform = duckdb.execute("PRAGMA platform").fetchone()[0]
for name in ("postgres_scanner", "httpfs"):
    if not os.path.isfile(os.path.join(folder, "v" + sys.argv[1], platform, name + ".duckdb_extension")):
        sys.exit(1)
print(folder)
PY
}

if [[ -x "$VENV/bin/python" ]] && extension_directory 2>/dev/null; then
  exit 0
fi

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "install-duckdb: python3-venv missing, installing it" >&2
  sudo_if_needed=()
  [[ $EUID -eq 0 ]] || sudo_if_needed=(sudo)
  "${sudo_if_needed[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_if_needed[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
fi

echo "install-duckdb: installing ${SPECS[*]} into $VENV" >&2
mkdir -p "$(dirname "$VENV")"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${SPECS[@]}" >&2
extension_directory || {
  echo "install-duckdb: the wheels did not provide postgres_scanner and httpfs for DuckDB $DUCKDB_VERSION" >&2
  exit 1
}
