#!/usr/bin/env bash
# with-services.sh [--one-postgres] CMD [ARGS...]: runs CMD next to a throwaway PostgreSQL 15, a
# moto S3 server and a ClickHouse engine (chDB behind scripts/clickhouse-front.py, which speaks
# ClickHouse's HTTP interface), all on free loopback ports, in a temporary folder that is removed
# afterwards. --one-postgres leaves out the second PostgreSQL server, which only the restart test
# needs (the demo passes it).
#
# CMD sees:
#   EXPORTER_TEST_DATABASE_URL  postgres://exporter:exporter@127.0.0.1:PORT/flexprice?sslmode=disable
#   EXPORTER_TEST_S3_ENDPOINT   http://127.0.0.1:PORT
#   PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE (same database, for psql)
#   EXPORTER_TEST_SSL_ROOT_CERT             the CA of that server's TLS certificate
#   EXPORTER_TEST_RESTARTABLE_DATABASE_URL  a second server, which only the restart test uses
#   EXPORTER_TEST_RESTART_POSTGRES          a command that restarts that second server
#                                           (neither with --one-postgres)
#   EXPORTER_TEST_CLICKHOUSE_URL            http://default:PASSWORD@127.0.0.1:PORT/flexprice
#                                           (FlexPrice's usage tables: db/clickhouse-schema.sql)
#   EXPORTER_TEST_CLICKHOUSE_PASSWORD       that password alone
#   EXPORTER_TEST_CLICKHOUSE_CONTROL        http://127.0.0.1:PORT/__front, the front's test-only
#                                           fault injection and query log (see clickhouse-front.py)
# The servers are stopped on any exit; the script exits with CMD's exit code. A server that does
# not start fails the script.
set -euo pipefail

second_postgres=true
if [[ ${1:-} == --one-postgres ]]; then
  second_postgres=false
  shift
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 [--one-postgres] CMD [ARGS...]" >&2
  exit 64
fi

SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$SCRIPTS_DIR/install-deps.sh"
"$SCRIPTS_DIR/install-clickhouse.sh"
REPO_ROOT="$(dirname "$SCRIPTS_DIR")"

CLICKHOUSE_VENV="${EXPORTER_CLICKHOUSE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flexprice-exporter/clickhouse-venv}"
MOTO_VENV="${EXPORTER_MOTO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flexprice-exporter/moto-venv}"
MOTO_SERVER="$(command -v moto_server || echo "$MOTO_VENV/bin/moto_server")"
PG_BIN=/usr/lib/postgresql/15/bin
if [[ ! -x "$PG_BIN/initdb" ]]; then
  PG_BIN="$(dirname "$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
  echo "with-services: PostgreSQL 15 not found, using $PG_BIN" >&2
fi
PATH="$PG_BIN:$PATH"
export PATH

# Runs a PostgreSQL server command as the postgres user (initdb refuses root).
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Prints the end of a log file and exits: the startup of a service failed.
startup_failed() {
  echo "with-services: $1; last lines of $2:" >&2
  tail -n 40 "$2" >&2 || true
  exit 1
}

# wait_for_http URL PID NAME LOG: waits up to 30 s for URL to answer 2xx; fails the script when
# the server's process exits first or the time runs out.
wait_for_http() {
  local url="$1" pid="$2" name="$3" log="$4"
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || startup_failed "$name exited" "$log"
    sleep 0.1
  done
  curl -fsS -o /dev/null "$url" || startup_failed "$name does not answer" "$log"
}

WORK_DIR="$(mktemp -d -t flexprice-services.XXXXXX)"
MOTO_LOG="$WORK_DIR/moto.log"
pg_clusters=()
moto_pid=""
clickhouse_pid=""

# shellcheck disable=SC2317  # called by the trap below
cleanup() {
  set +e
  for data in "${pg_clusters[@]}"; do
    as_pg pg_ctl -D "$data" -m fast -w stop >/dev/null
  done
  if [[ -n $moto_pid ]]; then
    kill "$moto_pid" 2>/dev/null
    wait "$moto_pid" 2>/dev/null
  fi
  if [[ -n $clickhouse_pid ]]; then
    kill "$clickhouse_pid" 2>/dev/null
    wait "$clickhouse_pid" 2>/dev/null
  fi
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $EUID -eq 0 ]]; then
  chown postgres: "$WORK_DIR"
fi

# start_postgres NAME PORT: a PostgreSQL cluster in WORK_DIR/NAME with TLS (a self-signed
# certificate for 127.0.0.1, so tests can use sslmode=require and verify-full), a local socket
# in WORK_DIR (trust, for setup), password auth over TCP, and role and database
# exporter/flexprice.
start_postgres() {
  local name="$1" port="$2"
  local data="$WORK_DIR/$name" log="$WORK_DIR/$name.log"
  as_pg initdb -D "$data" -U postgres -E UTF8 --locale=C --no-sync \
    --auth-local=trust --auth-host=scram-sha-256 >"$WORK_DIR/$name-initdb.log" 2>&1 ||
    startup_failed "initdb failed" "$WORK_DIR/$name-initdb.log"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$data/server.key" -out "$data/server.crt" >"$WORK_DIR/openssl.log" 2>&1 ||
    startup_failed "openssl could not make a certificate" "$WORK_DIR/openssl.log"
  chmod 600 "$data/server.key"
  if [[ $EUID -eq 0 ]]; then chown postgres: "$data/server.key" "$data/server.crt"; fi
  cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
port = $port
unix_socket_directories = '$WORK_DIR'
max_connections = 400
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  pg_clusters+=("$data")
  as_pg pg_ctl -D "$data" -l "$log" -w -t 60 start >/dev/null ||
    startup_failed "PostgreSQL did not start" "$log"
  for _ in $(seq 1 100); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.1
  done
  pg_isready -q -h 127.0.0.1 -p "$port" || startup_failed "PostgreSQL does not answer" "$log"
  psql -q -X -v ON_ERROR_STOP=1 -h "$WORK_DIR" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE exporter LOGIN SUPERUSER PASSWORD 'exporter'" \
    -c "CREATE DATABASE flexprice OWNER exporter"
}

# The server every test shares, and a second one that the restart test restarts under its
# export without disturbing the tests running beside it.
PG_PORT="$(free_port)"
start_postgres pgdata "$PG_PORT"
cp "$WORK_DIR/pgdata/server.crt" "$WORK_DIR/root.crt"
chmod 644 "$WORK_DIR/root.crt"
if [[ $second_postgres == true ]]; then
  RESTARTABLE_PG_PORT="$(free_port)"
  start_postgres restartable "$RESTARTABLE_PG_PORT"
fi

# moto S3 server.
MOTO_PORT="$(free_port)"
"$MOTO_SERVER" -H 127.0.0.1 -p "$MOTO_PORT" >"$MOTO_LOG" 2>&1 &
moto_pid=$!
S3_ENDPOINT="http://127.0.0.1:$MOTO_PORT"
wait_for_http "$S3_ENDPOINT/" "$moto_pid" moto_server "$MOTO_LOG"

# ClickHouse: chDB's engine behind the HTTP front, its files in WORK_DIR, FlexPrice's usage tables
# loaded. The password is a test value chosen to stand out if anything ever prints it.
CLICKHOUSE_PORT="$(free_port)"
CLICKHOUSE_PASSWORD="chTestPassw0rd-DoNotPrint"
CLICKHOUSE_LOG="$WORK_DIR/clickhouse-front.log"
CLICKHOUSE_FRONT_PASSWORD="$CLICKHOUSE_PASSWORD" "$CLICKHOUSE_VENV/bin/python" "$SCRIPTS_DIR/clickhouse-front.py" \
  --port "$CLICKHOUSE_PORT" --data "$WORK_DIR/clickhouse" --schema "$REPO_ROOT/db/clickhouse-schema.sql" \
  >"$CLICKHOUSE_LOG" 2>&1 &
clickhouse_pid=$!
CLICKHOUSE_ENDPOINT="http://127.0.0.1:$CLICKHOUSE_PORT"
wait_for_http "$CLICKHOUSE_ENDPOINT/ping" "$clickhouse_pid" "the ClickHouse front" "$CLICKHOUSE_LOG"

export EXPORTER_TEST_DATABASE_URL="postgres://exporter:exporter@127.0.0.1:$PG_PORT/flexprice?sslmode=disable"
export EXPORTER_TEST_S3_ENDPOINT="$S3_ENDPOINT"
# The CA that signed the main server's certificate (for sslmode=verify-full); the second server,
# and a command that restarts it (for the test that restarts the database in mid-export).
export EXPORTER_TEST_SSL_ROOT_CERT="$WORK_DIR/root.crt"
if [[ $second_postgres == true ]]; then
  export EXPORTER_TEST_RESTARTABLE_DATABASE_URL="postgres://exporter:exporter@127.0.0.1:$RESTARTABLE_PG_PORT/flexprice?sslmode=disable"
  restart_script="$WORK_DIR/restart-postgres.sh"
  printf '#!/usr/bin/env bash\nset -e\n%s\n' \
    "$(declare -f as_pg); as_pg $PG_BIN/pg_ctl -D '$WORK_DIR/restartable' -l '$WORK_DIR/restartable.log' -m fast -w -t 60 restart >/dev/null" >"$restart_script"
  chmod 755 "$restart_script"
  export EXPORTER_TEST_RESTART_POSTGRES="$restart_script"
fi
export EXPORTER_TEST_CLICKHOUSE_URL="http://default:$CLICKHOUSE_PASSWORD@127.0.0.1:$CLICKHOUSE_PORT/flexprice"
export EXPORTER_TEST_CLICKHOUSE_PASSWORD="$CLICKHOUSE_PASSWORD"
export EXPORTER_TEST_CLICKHOUSE_CONTROL="$CLICKHOUSE_ENDPOINT/__front"
export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=exporter PGPASSWORD=exporter PGDATABASE=flexprice

# CMD runs in the background (keeping our stdin) so that INT/TERM sent to this script reach it
# at once: they are passed on, CMD ends, and the EXIT trap stops the servers.
"$@" <&0 &
cmd_pid=$!
trap 'kill -INT "$cmd_pid" 2>/dev/null' INT
trap 'kill -TERM "$cmd_pid" 2>/dev/null' TERM
status=0
wait "$cmd_pid" || status=$?
while kill -0 "$cmd_pid" 2>/dev/null; do # a trapped signal interrupted wait
  status=0
  wait "$cmd_pid" || status=$?
done
exit "$status"
