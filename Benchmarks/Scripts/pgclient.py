"""A minimal PostgreSQL client over the system's libpq (ctypes, no package), for polling the shared
journal from the benchmark harness without spawning psql for every look."""
import ctypes
import ctypes.util

_path = ctypes.util.find_library("pq") or "libpq.so.5"
try:
    _pq = ctypes.CDLL(_path)
except OSError as error:  # pragma: no cover - reported by the caller
    raise RuntimeError(f"libpq is not installed ({_path}: {error}); on Debian: apt-get install libpq5") from error

_pq.PQconnectdb.restype = ctypes.c_void_p
_pq.PQconnectdb.argtypes = [ctypes.c_char_p]
_pq.PQstatus.argtypes = [ctypes.c_void_p]
_pq.PQerrorMessage.restype = ctypes.c_char_p
_pq.PQerrorMessage.argtypes = [ctypes.c_void_p]
_pq.PQfinish.argtypes = [ctypes.c_void_p]
_pq.PQexec.restype = ctypes.c_void_p
_pq.PQexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_pq.PQresultStatus.argtypes = [ctypes.c_void_p]
_pq.PQresultErrorMessage.restype = ctypes.c_char_p
_pq.PQresultErrorMessage.argtypes = [ctypes.c_void_p]
_pq.PQntuples.argtypes = [ctypes.c_void_p]
_pq.PQnfields.argtypes = [ctypes.c_void_p]
_pq.PQgetvalue.restype = ctypes.c_char_p
_pq.PQgetvalue.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
_pq.PQgetisnull.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
_pq.PQclear.argtypes = [ctypes.c_void_p]

_COMMAND_OK, _TUPLES_OK = 1, 2


class Connection:
    def __init__(self, keywords):
        self.handle = _pq.PQconnectdb(keywords.encode())
        if not self.handle or _pq.PQstatus(self.handle) != 0:
            message = _pq.PQerrorMessage(self.handle).decode(errors="replace") if self.handle else "out of memory"
            self.close()
            raise RuntimeError(f"cannot connect to PostgreSQL: {message.strip()}")

    def rows(self, sql):
        """Every row of `sql` (no parameters: the harness only inlines its own ids), as texts or None."""
        result = _pq.PQexec(self.handle, sql.encode())
        try:
            status = _pq.PQresultStatus(result) if result else -1
            if status not in (_COMMAND_OK, _TUPLES_OK):
                message = (_pq.PQresultErrorMessage(result) if result else _pq.PQerrorMessage(self.handle)) or b"?"
                raise RuntimeError(f"query failed: {message.decode(errors='replace').strip()}: {sql[:200]}")
            return [[None if _pq.PQgetisnull(result, r, c) else _pq.PQgetvalue(result, r, c).decode()
                     for c in range(_pq.PQnfields(result))] for r in range(_pq.PQntuples(result))]
        finally:
            if result:
                _pq.PQclear(result)

    def row(self, sql):
        rows = self.rows(sql)
        return rows[0] if rows else None

    def close(self):
        if self.handle:
            _pq.PQfinish(self.handle)
            self.handle = None
