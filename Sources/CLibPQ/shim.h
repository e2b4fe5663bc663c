// libpq, PostgreSQL's C client (libpq-dev, installed by scripts/install-deps.sh).
// Only ExporterDatabase imports it: https://www.postgresql.org/docs/15/libpq.html
#include <libpq-fe.h>
