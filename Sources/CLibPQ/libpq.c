#include "CLibPQ.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// Each libpq function the shared journal calls, resolved once by name.
#define SPQ_FUNCTIONS(X) \
    X(PGconn *, connectdbParams, (const char *const *, const char *const *, int)) \
    X(ConnStatusType, status, (const PGconn *)) \
    X(void, finish, (PGconn *)) \
    X(char *, errorMessage, (const PGconn *)) \
    X(int, socket, (const PGconn *)) \
    X(int, consumeInput, (PGconn *)) \
    X(PGnotify *, notifies, (PGconn *)) \
    X(void, freemem, (void *)) \
    X(PQconninfoOption *, conndefaults, (void)) \
    X(void, conninfoFree, (PQconninfoOption *)) \
    X(PGresult *, execParams, (PGconn *, const char *, int, const Oid *, const char *const *, const int *, const int *, int)) \
    X(PGresult *, exec, (PGconn *, const char *)) \
    X(char *, escapeIdentifier, (PGconn *, const char *, size_t)) \
    X(void, clear, (PGresult *)) \
    X(ExecStatusType, resultStatus, (const PGresult *)) \
    X(int, nfields, (const PGresult *)) \
    X(int, ntuples, (const PGresult *)) \
    X(char *, fname, (const PGresult *, int)) \
    X(int, getisnull, (const PGresult *, int, int)) \
    X(char *, getvalue, (const PGresult *, int, int)) \
    X(char *, cmdTuples, (PGresult *)) \
    X(char *, resultErrorField, (const PGresult *, int))

#define SPQ_POINTER(result, name, arguments) static result (*pq_##name) arguments;
SPQ_FUNCTIONS(SPQ_POINTER)

static pthread_once_t spq_once = PTHREAD_ONCE_INIT;
static char spq_error[512];
static int spq_loaded = 0;

static void spq_load(void) {
    const char *names[] = { "libpq.so.5", "libpq.so" };
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && library == NULL; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(spq_error, sizeof spq_error,
                 "the PostgreSQL client library (libpq.so.5) cannot be loaded: %s; install it (Debian, Ubuntu: apt-get install libpq5)",
                 reason ? reason : "not found");
        return;
    }
#define SPQ_RESOLVE(result, name, arguments) \
    pq_##name = (result (*) arguments)dlsym(library, "PQ" #name); \
    if (pq_##name == NULL) { \
        snprintf(spq_error, sizeof spq_error, "the PostgreSQL client library has no PQ%s: it is too old", #name); \
        return; \
    }
    SPQ_FUNCTIONS(SPQ_RESOLVE)
    spq_loaded = 1;
}

const char *spq_load_error(void) {
    pthread_once(&spq_once, spq_load);
    return spq_loaded ? NULL : spq_error;
}

// The forwarders. The Swift side asks spq_load_error() before opening a connection, so none is
// reached without libpq; the checks below keep a stray call from jumping to NULL all the same.
PGconn *spq_connectdbParams(const char *const *k, const char *const *v, int e) { return spq_load_error() ? NULL : pq_connectdbParams(k, v, e); }
ConnStatusType spq_status(const PGconn *c) { return spq_load_error() ? CONNECTION_BAD : pq_status(c); }
void spq_finish(PGconn *c) { if (!spq_load_error()) pq_finish(c); }
char *spq_errorMessage(const PGconn *c) { return spq_load_error() ? spq_error : pq_errorMessage(c); }
int spq_socket(const PGconn *c) { return spq_load_error() ? -1 : pq_socket(c); }
int spq_consumeInput(PGconn *c) { return spq_load_error() ? 0 : pq_consumeInput(c); }
PGnotify *spq_notifies(PGconn *c) { return spq_load_error() ? NULL : pq_notifies(c); }
void spq_freemem(void *p) { if (!spq_load_error()) pq_freemem(p); }
PQconninfoOption *spq_conndefaults(void) { return spq_load_error() ? NULL : pq_conndefaults(); }
void spq_conninfoFree(PQconninfoOption *o) { if (!spq_load_error()) pq_conninfoFree(o); }
PGresult *spq_execParams(PGconn *c, const char *q, int n, const Oid *t, const char *const *v, const int *l, const int *f, int r) {
    return spq_load_error() ? NULL : pq_execParams(c, q, n, t, v, l, f, r);
}
PGresult *spq_exec(PGconn *c, const char *q) { return spq_load_error() ? NULL : pq_exec(c, q); }
char *spq_escapeIdentifier(PGconn *c, const char *s, size_t n) { return spq_load_error() ? NULL : pq_escapeIdentifier(c, s, n); }
void spq_clear(PGresult *r) { if (!spq_load_error()) pq_clear(r); }
ExecStatusType spq_resultStatus(const PGresult *r) { return spq_load_error() ? PGRES_FATAL_ERROR : pq_resultStatus(r); }
int spq_nfields(const PGresult *r) { return spq_load_error() ? 0 : pq_nfields(r); }
int spq_ntuples(const PGresult *r) { return spq_load_error() ? 0 : pq_ntuples(r); }
char *spq_fname(const PGresult *r, int i) { return spq_load_error() ? spq_error : pq_fname(r, i); }
int spq_getisnull(const PGresult *r, int t, int f) { return spq_load_error() ? 1 : pq_getisnull(r, t, f); }
char *spq_getvalue(const PGresult *r, int t, int f) { return spq_load_error() ? spq_error : pq_getvalue(r, t, f); }
char *spq_cmdTuples(PGresult *r) { return spq_load_error() ? spq_error : pq_cmdTuples(r); }
char *spq_resultErrorField(const PGresult *r, int c) { return spq_load_error() ? NULL : pq_resultErrorField(r, c); }
