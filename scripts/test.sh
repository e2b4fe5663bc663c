#!/usr/bin/env bash
# test.sh [ARGS...]: the project's test command: `swift test ARGS...` next to a throwaway
# PostgreSQL and moto S3 server (see with-services.sh). Works from any directory.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec scripts/with-services.sh swift test "$@"
