#ifndef STEWARD_CSQLITE_H
#define STEWARD_CSQLITE_H

// The system SQLite library (libsqlite3), for the run journal. Swift cannot import the
// SQLITE_TRANSIENT destructor (a cast macro), so binding text goes through these wrappers, which
// make SQLite copy the bytes before the call returns.
#include <sqlite3.h>

static inline int steward_sqlite3_bind_text(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}

// sqlite3_db_config is variadic, which Swift cannot call: the one setting the journal needs.
// Closing the last connection then leaves the WAL as it is instead of copying it into the file.
static inline int steward_sqlite3_no_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}

#endif
