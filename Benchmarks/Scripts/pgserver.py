"""A throwaway PostgreSQL server for the cluster benchmarks (Debian's binaries, no package of ours).

`initdb` into a temporary directory, then `postgres` on a Unix socket in that directory only (no
TCP), as `nobody` when this runs as root (PostgreSQL refuses root). Durability matches the SQLite
journal it is compared with (WAL, `synchronous = NORMAL`: a commit survives the process, the last
ones may be lost on power loss): `synchronous_commit = off`, fsync left on. `pg_stat_statements`
is preloaded so the benchmark can count statements per run. `stop()` stops it and removes the
directory; the server is also killed if this process exits first.
"""
import atexit
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

ROOT = "/usr/lib/postgresql"
USER = "steward"
NOBODY = 65534


class PostgresMissing(RuntimeError):
    pass


def binaries():
    """The newest /usr/lib/postgresql/N/bin that has initdb and postgres."""
    versions = []
    if os.path.isdir(ROOT):
        for name in os.listdir(ROOT):
            path = f"{ROOT}/{name}/bin"
            if name.isdigit() and all(os.access(f"{path}/{tool}", os.X_OK) for tool in ("initdb", "postgres")):
                versions.append(int(name))
    if not versions:
        raise PostgresMissing(
            "PostgreSQL is not installed: no /usr/lib/postgresql/N/bin/initdb "
            "(on Debian: apt-get install postgresql; the cluster benchmarks start their own throwaway server)")
    return f"{ROOT}/{max(versions)}/bin"


class Server:
    def __init__(self, extra_settings=()):
        self.bin = binaries()
        self.version = subprocess.run([f"{self.bin}/postgres", "--version"], capture_output=True, text=True).stdout.strip()
        self.directory = tempfile.mkdtemp(prefix="steward-cluster-pg-")
        self.data = os.path.join(self.directory, "data")
        self.log = os.path.join(self.directory, "server.log")
        self.port = 5432
        self.process = None
        self.as_root = os.geteuid() == 0
        if self.as_root:
            os.chown(self.directory, NOBODY, NOBODY)
        atexit.register(self.stop)
        self._run([f"{self.bin}/initdb", "-D", self.data, "-U", USER, "--auth-local=trust", "--no-sync",
                   "-E", "UTF8", "--locale=C.UTF-8"])
        settings = ["listen_addresses=", f"unix_socket_directories={self.directory}", "synchronous_commit=off",
                    "max_connections=100", "shared_buffers=128MB", "shared_preload_libraries=pg_stat_statements",
                    "pg_stat_statements.track_utility=on", *extra_settings]
        arguments = [f"{self.bin}/postgres", "-D", self.data, "-p", str(self.port)]
        for setting in settings:
            arguments += ["-c", setting]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(arguments, stdout=log, stderr=subprocess.STDOUT, cwd=self.directory,
                                            preexec_fn=self._drop, start_new_session=True)
        socket = os.path.join(self.directory, f".s.PGSQL.{self.port}")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if os.path.exists(socket) and "ready to accept connections" in self._log_text():
                return
            time.sleep(0.05)
        text = self._log_text()[-2000:]
        self.stop()
        raise RuntimeError(f"the PostgreSQL server did not start:\n{text}")

    def _drop(self):
        if self.as_root:
            os.setgid(NOBODY)
            os.setgroups([])
            os.setuid(NOBODY)

    def _run(self, arguments):
        done = subprocess.run(arguments, capture_output=True, text=True, cwd=self.directory, preexec_fn=self._drop)
        if done.returncode != 0:
            self.stop()
            raise RuntimeError(f"{os.path.basename(arguments[0])} failed ({done.returncode}): {done.stdout[-1000:]}{done.stderr[-1000:]}")

    def _log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def keywords(self, database=None):
        """libpq keywords for the server (over its Unix socket); with `database`, its dbname too."""
        text = f"host={self.directory} port={self.port} user={USER}"
        return text + (f" dbname={database}" if database else "")

    def psql(self, sql, database="postgres"):
        """Runs `sql` with psql (tuples only, unaligned); returns its output."""
        psql = f"{self.bin}/psql" if os.access(f"{self.bin}/psql", os.X_OK) else "psql"
        done = subprocess.run([psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.directory, "-p", str(self.port),
                               "-U", USER, "-d", database, "-c", sql], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"psql: {done.stderr.strip()}")
        return done.stdout.strip()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown: connections closed
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if self.directory and os.path.isdir(self.directory):
            shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None


def short_version(text):
    match = re.search(r"(\d+(\.\d+)*)", text or "")
    return match.group(1) if match else "?"
