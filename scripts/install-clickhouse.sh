#!/usr/bin/env bash
# install-clickhouse.sh: installs the ClickHouse engine the tests and the demo read usage from:
# chdb-core (ClickHouse 26.9's own engine as a Python module) in a private virtualenv, because
# Debian's python refuses system-wide pip installs and Debian's clickhouse-server (18.16) is too
# old for FlexPrice's tables (no DateTime64). scripts/clickhouse-front.py serves it over
# ClickHouse's HTTP interface; scripts/with-services.sh starts that front with this venv's python.
#
# The venv's python: EXPORTER_CLICKHOUSE_VENV, or the default path below.
# Idempotent: a quick no-op when chdb already imports at the pinned version.
set -euo pipefail

VENV="${EXPORTER_CLICKHOUSE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flexprice-exporter/clickhouse-venv}"
# Pinned: the error texts, codes and formats the tests compare against are this engine's.
CHDB_VERSION="${EXPORTER_CHDB_VERSION:-26.9.0}"

if [[ -x "$VENV/bin/python" ]] \
  && [[ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("chdb-core"))' 2>/dev/null)" == "$CHDB_VERSION" ]]; then
  exit 0
fi

# python3 and its venv module (quick when present).
"$(dirname "${BASH_SOURCE[0]}")/install-deps.sh"

echo "install-clickhouse: pip install chdb-core==$CHDB_VERSION into $VENV" >&2
mkdir -p "$(dirname "$VENV")"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "chdb-core==$CHDB_VERSION"
"$VENV/bin/python" -c 'import chdb; print("install-clickhouse: chdb", chdb.__version__, "engine", chdb.query("SELECT version()", "TSV").data().strip())'
