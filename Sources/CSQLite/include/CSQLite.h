#ifndef STEWARD_CSQLITE_H
#define STEWARD_CSQLITE_H

// The system SQLite library (libsqlite3), for the run journal. Swift cannot import the
// SQLITE_TRANSIENT destructor (a cast macro), so binding text goes through these wrappers, which
// make SQLite copy the bytes before the call returns.
#include <sqlite3.h>

static inline int steward_sqlite3_bind_text(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}

#endif
