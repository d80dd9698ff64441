#ifndef STEWARD_CLIBPQ_H
#define STEWARD_CLIBPQ_H

// The PostgreSQL client library (libpq), loaded when first needed rather than linked: a steward
// whose journal is SQLite (most) needs no libpq in its image, and the static binary stays free of
// libpq and the TLS, Kerberos and LDAP libraries it pulls in. The OS's `libpq.so.5` (Debian's
// libpq5, installed with postgresql-client or postgresql) is opened with dlopen the first time a
// connection is made; its ABI has been stable since PostgreSQL 8.
//
// Below: the part of libpq's C interface the shared journal uses, declared here (types as libpq
// defines them), with each function prefixed `spq_` and forwarded to libpq's own.

#include <stddef.h>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
typedef unsigned int Oid;

typedef enum { CONNECTION_OK = 0, CONNECTION_BAD = 1 } ConnStatusType;
typedef enum {
    PGRES_EMPTY_QUERY = 0, PGRES_COMMAND_OK = 1, PGRES_TUPLES_OK = 2, PGRES_COPY_OUT = 3, PGRES_COPY_IN = 4,
    PGRES_BAD_RESPONSE = 5, PGRES_NONFATAL_ERROR = 6, PGRES_FATAL_ERROR = 7
} ExecStatusType;

typedef struct pgNotify {
    char *relname;
    int be_pid;
    char *extra;
    struct pgNotify *next;
} PGnotify;

typedef struct _PQconninfoOption {
    char *keyword;
    char *envvar;
    char *compiled;
    char *val;
    char *label;
    char *dispchar;
    int dispsize;
} PQconninfoOption;

/// Loads libpq once (thread-safe); returns NULL when it is there, else why not (dlopen's message).
const char *spq_load_error(void);

PGconn *spq_connectdbParams(const char *const *keywords, const char *const *values, int expand_dbname);
ConnStatusType spq_status(const PGconn *conn);
void spq_finish(PGconn *conn);
char *spq_errorMessage(const PGconn *conn);
int spq_socket(const PGconn *conn);
int spq_consumeInput(PGconn *conn);
PGnotify *spq_notifies(PGconn *conn);
void spq_freemem(void *ptr);
PQconninfoOption *spq_conndefaults(void);
void spq_conninfoFree(PQconninfoOption *options);
PGresult *spq_execParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                         const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat);
PGresult *spq_exec(PGconn *conn, const char *query);
char *spq_escapeIdentifier(PGconn *conn, const char *str, size_t len);
void spq_clear(PGresult *res);
ExecStatusType spq_resultStatus(const PGresult *res);
int spq_nfields(const PGresult *res);
int spq_ntuples(const PGresult *res);
char *spq_fname(const PGresult *res, int field_num);
int spq_getisnull(const PGresult *res, int tup_num, int field_num);
char *spq_getvalue(const PGresult *res, int tup_num, int field_num);
char *spq_cmdTuples(PGresult *res);
char *spq_resultErrorField(const PGresult *res, int fieldcode);

#endif
