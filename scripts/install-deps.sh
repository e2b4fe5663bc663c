#!/usr/bin/env bash
# install-deps.sh: installs what the tests and the demo need besides Swift, when missing:
# PostgreSQL 15 server binaries, moto's S3 server, curl and python3, libpq's headers (libpq-dev:
# `swift build` needs them for the CLibPQ target, the exporter's one PostgreSQL client), and
# libzstd's headers (libzstd-dev: the CZstd target behind `compression: zstd`) with the `zstd`
# command line tool (the tests decode our .zst objects with it, an independent reader), and
# `script` (bsdutils), which gives the progress tests a pseudo-terminal, and promtool (the tests
# check deploy/prometheus/flexprice-exporter.rules.yml with `promtool check rules` and `promtool
# test rules`): the binary alone, taken out of Debian's `prometheus` package (see below).
# Idempotent; a quick no-op when everything is already present.
#
# moto goes into a private virtualenv (Debian's python refuses system-wide pip installs),
# where scripts/with-services.sh looks for it when moto_server is not on PATH; python3-venv comes
# here too, for the virtualenvs of scripts/install-parquet-readers.sh and install-clickhouse.sh.
set -euo pipefail

PG_BIN_15=/usr/lib/postgresql/15/bin
MOTO_VENV="${EXPORTER_MOTO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flexprice-exporter/moto-venv}"
# Pinned to the version the tests were written against (moto's S3 quirks change between releases).
MOTO_SPEC="${EXPORTER_MOTO_SPEC:-moto[server]==5.2.1}"

have_postgres() { [[ -x "$PG_BIN_15/initdb" ]] || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
have_moto() { command -v moto_server >/dev/null || [[ -x "$MOTO_VENV/bin/moto_server" ]]; }
# The header and the pkg-config file SwiftPM's `pkgConfig: "libzstd"` reads both come with libzstd-dev.
have_zstd_dev() { [[ -f /usr/include/zstd.h ]] && pkg-config --exists libzstd 2>/dev/null; }
# The same for `pkgConfig: "libpq"`: libpq-fe.h and libpq.pc come with libpq-dev.
have_libpq_dev() { pkg-config --exists libpq 2>/dev/null; }
# python3's venv module (Debian's python3-venv): moto, the Parquet readers and the ClickHouse
# engine each go into a private virtualenv.
have_venv() { python3 -c 'import ensurepip, venv' 2>/dev/null; }

if have_postgres && have_moto && have_zstd_dev && have_libpq_dev && command -v zstd >/dev/null \
  && command -v curl >/dev/null && command -v python3 >/dev/null && command -v script >/dev/null \
  && command -v promtool >/dev/null && have_venv; then
  exit 0
fi

# Runs apt-get as root (directly, or through sudo for a normal user).
apt_get() {
  if [[ $EUID -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get "$@"
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get "$@"
  fi
}

apt_updated=false
apt_install() {
  if [[ $apt_updated == false ]]; then
    echo "install-deps: apt-get update" >&2
    apt_get update -qq
    apt_updated=true
  fi
  echo "install-deps: apt-get install $*" >&2
  apt_get install -y -qq --no-install-recommends "$@"
}

command -v curl >/dev/null || apt_install curl ca-certificates
command -v python3 >/dev/null || apt_install python3
have_venv || apt_install python3-venv
command -v openssl >/dev/null || apt_install openssl
command -v pkg-config >/dev/null || apt_install pkg-config
have_zstd_dev || apt_install libzstd-dev
have_libpq_dev || apt_install libpq-dev
command -v zstd >/dev/null || apt_install zstd
# util-linux's `script` (Debian's bsdutils): the progress tests run sync and backfill under a pseudo-terminal.
command -v script >/dev/null || apt_install bsdutils

if ! command -v promtool >/dev/null; then
  # Only promtool is wanted. Debian ships it inside `prometheus` only (no package of its own) and
  # PyPI has no wheel of it, but installing that package brings the server, its web assets and
  # their libjs-* packages (96 MB installed), a `prometheus` user and a service to stop. So the
  # package is downloaded, not installed, and promtool (a Go binary that needs only libc) is
  # copied out of it into /usr/local/bin.
  if [[ $apt_updated == false ]]; then
    echo "install-deps: apt-get update" >&2
    apt_get update -qq
    apt_updated=true
  fi
  echo "install-deps: promtool from Debian's prometheus package, the binary alone, into /usr/local/bin" >&2
  deb_dir="$(mktemp -d)"
  # As root apt-get downloads as _apt, which cannot write into a mktemp folder: download as root.
  (cd "$deb_dir" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" prometheus)
  dpkg-deb --fsys-tarfile "$deb_dir"/prometheus_*.deb | tar -x -C "$deb_dir" ./usr/bin/promtool
  if [[ $EUID -eq 0 ]]; then install -m 0755 "$deb_dir/usr/bin/promtool" /usr/local/bin/promtool
  else sudo install -m 0755 "$deb_dir/usr/bin/promtool" /usr/local/bin/promtool; fi
  rm -rf "$deb_dir"
  promtool --version >/dev/null
fi

if [[ ! -x "$PG_BIN_15/initdb" ]]; then
  # Debian 12 ships PostgreSQL 15; elsewhere take the distribution's default version.
  apt_install postgresql-15 || have_postgres || apt_install postgresql
fi

if ! have_moto; then
  echo "install-deps: pip install '$MOTO_SPEC' into $MOTO_VENV" >&2
  python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/python" -m pip install -q --disable-pip-version-check "$MOTO_SPEC"
fi
