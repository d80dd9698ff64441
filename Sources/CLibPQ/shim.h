#ifndef STEWARD_CLIBPQ_H
#define STEWARD_CLIBPQ_H

// The system PostgreSQL client library (libpq, Debian's libpq-dev), for the PostgreSQL journal.
// Its headers live in /usr/include/postgresql (found through pkg-config's libpq.pc).
#include <libpq-fe.h>

#endif
