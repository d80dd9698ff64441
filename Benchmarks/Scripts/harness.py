#!/usr/bin/env python3
"""Steward side by side with its anchors, in one run, as ratios (issue 7).

Run through ../run, which installs the anchors, builds the binaries and then calls this with their
paths. Every scenario starts each subject (steward or an anchor) as a fresh process of this script,
measures it from outside (or reads the one RESULT line an in-process benchmark prints), repeats
the measurement and writes RESULTS.md: per scenario a table with the median and min-max of every
subject, the ratio steward / anchor, then the goals table. See ../README.md for the methods.

This process makes itself a child subreaper, so whatever a subject leaves behind comes back to it
and is killed and reaped: a run leaves no process behind, and it only ever signals processes it
started (its own descendants).
"""

import argparse
import ctypes
import datetime
import json
import os
import re
import select
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

# Scenarios 9 and 10 and the goal rows of scenarios 5 to 8 live in modules of their own (imported by
# main()), which use this module's helpers by importing it by name: make that name this module,
# also when it runs as a script.
sys.modules.setdefault("harness", sys.modules[__name__])

PR_SET_CHILD_SUBREAPER = 36
MONO = time.monotonic_ns  # CLOCK_MONOTONIC, the clock benchtool prints


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Processes: spawning, waiting, /proc
# ---------------------------------------------------------------------------------------------

class Children:
    """The children of this process. One place calls waitpid(-1), so statuses are never lost."""

    def __init__(self):
        self.statuses = {}

    def spawn(self, argv, stdout=None, stdin=None, env=None):
        """posix_spawn argv. stdout/stdin: a path (file), an int (fd) or None (/dev/null)."""
        actions = []
        opened = []

        def fd_for(target, flags):
            if target is None:
                fd = os.open(os.devnull, flags)
                opened.append(fd)
                return fd
            if isinstance(target, int):
                return target
            fd = os.open(target, flags | os.O_CREAT | os.O_APPEND, 0o644)
            opened.append(fd)
            return fd

        out = fd_for(stdout, os.O_WRONLY)
        inp = fd_for(stdin, os.O_RDONLY)
        actions.append((os.POSIX_SPAWN_DUP2, inp, 0))
        actions.append((os.POSIX_SPAWN_DUP2, out, 1))
        actions.append((os.POSIX_SPAWN_DUP2, out, 2))
        try:
            return os.posix_spawnp(argv[0], argv, env if env is not None else os.environ,
                                   file_actions=actions, setsigdef=(signal.SIGTERM, signal.SIGINT, signal.SIGCHLD, signal.SIGPIPE, signal.SIGXFSZ))
        finally:
            for fd in opened:
                os.close(fd)

    def wait(self, pid, timeout=None):
        """The wait status of child pid (blocking; None after timeout seconds)."""
        if pid in self.statuses:
            return self.statuses.pop(pid)
        if timeout is None:
            while True:
                try:
                    _, status = os.waitpid(pid, 0)
                    return status
                except InterruptedError:
                    continue
        # Blocking with a timeout and no polling: a pidfd becomes readable when the child exits
        # (polling waitpid every few ms would round every exit up to that period).
        fd = os.pidfd_open(pid)
        try:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not poller.poll(max(1, int(left * 1000))):
                    if time.monotonic() >= deadline:
                        done, status = os.waitpid(pid, os.WNOHANG)
                        return status if done == pid else None
                    continue
                _, status = os.waitpid(pid, 0)
                return status
        finally:
            os.close(fd)

    def reap_all(self, keep=()):
        """Reaps every exited child; statuses of pids in keep are kept for wait()."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in keep:
                self.statuses[pid] = status


CHILDREN = Children()


def proc_table():
    """pid -> (ppid, comm, state) for every process."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                data = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        left, right = data.find("("), data.rfind(")")
        comm = data[left + 1:right]
        fields = data[right + 2:].split()
        table[int(name)] = (int(fields[1]), comm, fields[0])
    return table


def descendants(root, table=None):
    table = table if table is not None else proc_table()
    kids = {}
    for pid, (ppid, _, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    result, stack = [], [root]
    while stack:
        for child in kids.get(stack.pop(), []):
            result.append(child)
            stack.append(child)
    return result


def status_field(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def smaps_rollup(pid):
    """(Pss, Private_Dirty) of pid in KiB, from /proc/PID/smaps_rollup."""
    pss = private = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Private_Dirty:"):
                    private += int(line.split()[1])
    except OSError:
        pass
    return pss, private


def context_switches(pid):
    """Voluntary + involuntary context switches summed over the threads of pid."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def children(pid):
    """The pids of pid's children (every thread's), from /proc; empty once pid is gone."""
    out = []
    for tid in threads(pid):
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(p) for p in f.read().split()]
        except OSError:
            pass
    return out


def spawn_until_child(command, cwd=None, env=None, interval=0.01, timeout=20):
    """Starts command (its output discarded) and waits until it has a child. Returns (proc, None),
    or (proc, why not) when it exited first or had none within timeout (then it is killed, reaped)."""
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    limit = time.monotonic() + timeout
    while not children(proc.pid):
        if proc.poll() is not None:
            return proc, f"no child (exit {proc.returncode})"
        if time.monotonic() > limit:
            proc.kill()
            proc.wait()
            return proc, f"no child within {timeout:g} s"
        time.sleep(interval)
    return proc, None


def one_child_config(work):
    """A `steward run` config in work with one `sleep infinity` process, a control socket and a
    journal of its own (no HTTP, no jobs): what the idle and SIGTERM measurements run. Its path."""
    config = os.path.join(work, "steward.json5")
    with open(config, "w") as f:
        f.write("{\n  control: { socket: %r },\n  journal: { path: %r },\n"
                "  processes: { p0: { command: [\"/bin/sleep\", \"infinity\"] } },\n}\n"
                % (os.path.join(work, "control.sock"), os.path.join(work, "journal.sqlite")))
    return config


def threads(pid):
    try:
        return set(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return set()


def thread_switches(pids):
    """tid -> voluntary + involuntary context switches of that thread, for every thread of pids."""
    counts = {}
    for pid in pids:
        for tid in threads(pid):
            try:
                with open(f"/proc/{pid}/task/{tid}/status") as f:
                    counts[(pid, tid)] = sum(int(line.split()[1]) for line in f
                                             if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")))
            except OSError:
                pass
    return counts


def perf_works():
    """True if `perf stat -e context-switches` counts here (a software event: no PMU needed)."""
    try:
        out = subprocess.run(["perf", "stat", "-x,", "-e", "context-switches", "--", "true"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=20)
        return out.returncode == 0 and bool(re.match(r"^\d+,", out.stderr.strip().splitlines()[-1]))
    except Exception:
        return False


def live(pid):
    """True if pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("utf-8", "replace")
        return data[data.rfind(")") + 2] != "Z"
    except OSError:
        return False


def kill_descendants():
    """SIGKILLs every descendant of this process (all of them were started by this script)."""
    me = os.getpid()
    for _ in range(5):
        pids = descendants(me)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)
        CHILDREN.reap_all()
    CHILDREN.reap_all()


def exit_code(status):
    if status is None:
        return None
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return status


def wait_until(predicate, timeout, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unix_http(path, request_path, timeout=120):
    """GET request_path over the Unix socket path; (status, body)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(f"GET {request_path} HTTP/1.1\r\nHost: steward\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    if b"transfer-encoding: chunked" in head.lower():
        body = dechunk(body)
    return status, body


def dechunk(body):
    out, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2:]
    return out


# ---------------------------------------------------------------------------------------------
# Statistics and formatting
# ---------------------------------------------------------------------------------------------

def fmt(value):
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    a = abs(value)
    if a == 0:
        return "0"
    if a < 0.01:
        return f"{value:.4f}"
    if a < 1:
        return f"{value:.3f}"
    if a < 10:
        return f"{value:.2f}"
    if a < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


class Stat:
    def __init__(self, values, capped=None):
        self.values = [v for v in values if v is not None]
        self.capped = capped  # "> X s" when a run hit the time cap

    @property
    def median(self):
        return statistics.median(self.values) if self.values else None

    def cell(self, scale=1.0):
        if self.capped:
            return self.capped
        if not self.values:
            return "–"
        med = self.median * scale
        if len(self.values) == 1:
            return fmt(med)
        return f"{fmt(med)} ({fmt(min(self.values) * scale)}–{fmt(max(self.values) * scale)})"


def ratio(ours, theirs):
    """ours / theirs as text (×), from two Stats or numbers."""
    a = ours.median if isinstance(ours, Stat) else ours
    if isinstance(theirs, Stat) and theirs.capped:
        return f"< {fmt(a / theirs.cap_value)}×" if a is not None and getattr(theirs, "cap_value", None) else "–"
    b = theirs.median if isinstance(theirs, Stat) else theirs
    if a is None or b is None:
        return "–"
    if b == 0:
        return "∞" if a > 0 else "1"
    return f"{fmt(a / b)}×"


def table(header, rows, numeric=True):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 or not numeric else "---:" for i in range(len(header))) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Subjects: how to start steward and each anchor with N `sleep infinity` children
# ---------------------------------------------------------------------------------------------

class Subject:
    """A supervisor under test, started with n children in a fresh directory."""

    def __init__(self, name, n, workdir):
        self.name, self.n, self.dir = name, n, workdir
        self.pid = None
        self.stdout = os.path.join(workdir, "stdout.log")

    def argv(self):
        raise NotImplementedError

    def start(self):
        self.t_spawn = MONO()
        self.wall_spawn = time.time()
        self.pid = CHILDREN.spawn(self.argv(), stdout=self.stdout)
        return self

    def tree(self, table):
        """The supervisor's own processes (for RSS and wakeups)."""
        return [self.pid]

    def workers(self, table):
        """The supervised children (the `sleep`s), not zombies."""
        return [p for p in descendants(self.pid, table) if table[p][1] == "sleep" and table[p][2] != "Z"]

    def wait_ready(self, timeout=120):
        def ready():
            table = proc_table()
            return len(self.workers(table)) >= self.n and self.extra_ready(table)
        if not wait_until(ready, timeout, 0.05):
            raise RuntimeError(f"{self.name} n={self.n}: children not up within {timeout} s")

    def extra_ready(self, table):
        return True

    def terminate(self, grace=15):
        if self.pid is None:
            return None
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        status = CHILDREN.wait(self.pid, timeout=grace)
        if status is None:
            os.kill(self.pid, signal.SIGKILL)
            status = CHILDREN.wait(self.pid)
        self.pid = None
        return status


class StewardRun(Subject):
    label = "steward run"

    def __init__(self, name, n, workdir, steward, command=None, extra=""):
        super().__init__(name, n, workdir)
        self.steward = steward
        self.socket = os.path.join(workdir, "control.sock")
        self.config = os.path.join(workdir, "steward.json5")
        command = command or ["sleep", "infinity"]
        procs = ",\n".join(f"    p{i}: {{ command: {json.dumps(command)} }}" for i in range(n))
        # A journal of its own (used when `extra` has jobs), never the user's default one.
        journal = os.path.join(workdir, "journal.sqlite")
        with open(self.config, "w") as f:
            f.write(f"{{\n  control: {{ socket: {json.dumps(self.socket)} }},\n  journal: {{ path: {json.dumps(journal)} }},\n"
                    f"{extra}  processes: {{\n{procs}\n  }},\n}}\n")

    def argv(self):
        return [self.steward, "run", self.config]


class StewardExec(Subject):
    label = "steward exec"

    def __init__(self, name, n, workdir, steward, command=None, group=False):
        super().__init__(name, n, workdir)
        self.steward, self.command, self.group = steward, command or ["sleep", "infinity"], group

    def argv(self):
        return [self.steward, "exec"] + (["--group"] if self.group else []) + ["--"] + self.command


class Tini(Subject):
    label = "tini"

    def __init__(self, name, n, workdir, command=None, group=False):
        super().__init__(name, n, workdir)
        self.command, self.group = command or ["sleep", "infinity"], group

    def argv(self):
        return ["tini", "-s"] + (["-g"] if self.group else []) + ["--"] + self.command


class DumbInit(Subject):
    label = "dumb-init"

    def __init__(self, name, n, workdir, command=None):
        super().__init__(name, n, workdir)
        self.command = command or ["sleep", "infinity"]

    def argv(self):
        return ["dumb-init"] + self.command


class S6(Subject):
    label = "s6-svscan"

    def __init__(self, name, n, workdir):
        super().__init__(name, n, workdir)
        self.scandir = os.path.join(workdir, "scan")
        os.makedirs(self.scandir)
        for i in range(n):
            service = os.path.join(self.scandir, f"p{i}")
            os.makedirs(service)
            run = os.path.join(service, "run")
            with open(run, "w") as f:
                f.write("#!/bin/sh\nexec sleep infinity\n")
            os.chmod(run, 0o755)

    def argv(self):
        return ["s6-svscan", self.scandir]

    def tree(self, table):
        return [self.pid] + [p for p in descendants(self.pid, table) if table[p][1] == "s6-supervise"]

    def extra_ready(self, table):
        return len(self.tree(table)) >= self.n + 1


class Supervisord(Subject):
    label = "supervisord"

    def __init__(self, name, n, workdir, command="sleep infinity"):
        super().__init__(name, n, workdir)
        self.config = os.path.join(workdir, "supervisord.conf")
        self.logfile = os.path.join(workdir, "supervisord.log")
        logs = os.path.join(workdir, "logs")
        os.makedirs(logs)
        with open(self.config, "w") as f:
            f.write(f"[supervisord]\nnodaemon=true\nlogfile={self.logfile}\npidfile={workdir}/supervisord.pid\n"
                    f"childlogdir={logs}\nminfds=16384\nminprocs=4096\nloglevel=info\nuser=root\n\n")
            for i in range(n):
                f.write(f"[program:p{i}]\ncommand={command}\nstartsecs=0\nautorestart=true\n\n")

    def argv(self):
        return ["supervisord", "-n", "-c", self.config]

    def running_times(self):
        """Wall-clock instants (s) of the 'entered RUNNING state' log lines."""
        times = []
        try:
            with open(self.logfile) as f:
                for line in f:
                    if "entered RUNNING state" in line:
                        stamp = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
                        times.append(stamp.timestamp())
        except OSError:
            pass
        return times


def scratch(root, label):
    return tempfile.mkdtemp(prefix=re.sub(r"[^a-z0-9]+", "-", label.lower()) + "-", dir=root)


# ---------------------------------------------------------------------------------------------
# Scenario 1: in-process lifecycle vs swift-service-lifecycle
# ---------------------------------------------------------------------------------------------

def run_result_line(argv, timeout):
    """Runs argv; its RESULT line as a dict, or 'timeout', or raises."""
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, text=True)
    except subprocess.TimeoutExpired:
        return "timeout"
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return {k: int(v) for k, v in (f.split("=", 1) for f in line.split()[1:])}
    raise RuntimeError(f"{argv}: no RESULT line (exit {out.returncode}): {out.stderr[-500:]}")


def run_json_line(argv, timeout):
    """Runs argv; its last stdout line parsed as JSON, or 'timeout', or raises."""
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, text=True)
    except subprocess.TimeoutExpired:
        return "timeout"
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{argv}: exit {out.returncode}, no JSON line: {out.stderr[-500:]}")
    return json.loads(lines[-1])


def scenario_lifecycle(cfg):
    sizes = cfg.lifecycle_sizes
    variants = [
        ("steward, 10 groups + health gating", [cfg.lifecycle_bench, "--health", "--single"], cfg.cap_ours),
        ("steward, 10 groups, no health keys", [cfg.lifecycle_bench, "--single"], cfg.cap_ours),
        ("swift-service-lifecycle 2.13.0 (flat)", [cfg.anchor, "--single"], cfg.cap_theirs),
    ]
    results = {}  # (variant, n) -> list of dicts; capped -> cap
    capped = {}
    for n in sizes:
        for rep in range(cfg.repeat):
            for name, argv, cap in variants:
                if (name, n) in capped or any(capped.get((name, m)) for m in sizes if m < n):
                    capped.setdefault((name, n), cap)
                    continue
                result = run_result_line(argv + [str(n)], cap)
                if result == "timeout":
                    log(f"  1 lifecycle n={n} {name}: > {cap} s, not repeated")
                    capped[(name, n)] = cap
                    continue
                results.setdefault((name, n), []).append(result)
                log(f"  1 lifecycle n={n} #{rep + 1} {name}: total {result['total_ns'] / 1e6:.1f} ms, "
                    f"peak {result['hwm_kib'] / 1024:.1f} MB")

    def stat(name, n, key, scale):
        if (name, n) in capped and not results.get((name, n)):
            s = Stat([], capped=f"> {capped[(name, n)]} s")
            s.cap_value = capped[(name, n)] * 1e3 if key.endswith("_ns") else None
            return s
        return Stat([r[key] * scale for r in results.get((name, n), [])])

    ours, plain, theirs = (v[0] for v in variants)
    rows, rss_rows = [], []
    for n in sizes:
        t_ours, t_plain, t_theirs = (stat(v, n, "total_ns", 1e-6) for v in (ours, plain, theirs))
        rows.append([f"{n:,}", stat(ours, n, "ready_ns", 1e-6).cell(), stat(ours, n, "shutdown_ns", 1e-6).cell(), t_ours.cell(),
                     t_plain.cell(), stat(theirs, n, "ready_ns", 1e-6).cell(), stat(theirs, n, "shutdown_ns", 1e-6).cell(),
                     t_theirs.cell(), ratio(t_ours, t_theirs), ratio(t_plain, t_theirs)])
        m_ours, m_plain, m_theirs = (stat(v, n, "hwm_kib", 1 / 1024) for v in (ours, plain, theirs))
        rss_rows.append([f"{n:,}", m_ours.cell(), m_plain.cell(), m_theirs.cell(), ratio(m_ours, m_theirs)])
    text = [
        "Each cell: median (min–max) over the repetitions, each in a fresh process. Steward: "
        "`lifecycle-bench --single N [--health]` (N runnables over 10 priority groups; with `--health` each "
        "registers a health key its `run` reports healthy at once, and each group waits for its keys before the "
        "next starts). Anchor: `service-lifecycle-anchor --single N` (N trivial services in one `ServiceGroup`; "
        "\"ready\" = the last service entered `run`, then `triggerGracefulShutdown()`). total = creating the "
        "components → `run()` returned; ready = `run()` → all started; shutdown = all started → `run()` returned. "
        f"A run longer than the cap (steward {cfg.cap_ours} s, anchor {cfg.cap_theirs} s) is killed and shown as \"> cap\".",
        "",
        "Time, ms:",
        "",
        table(["N", "steward ready", "steward shutdown", "steward total (health-gated)", "steward total (no health)",
               "anchor ready", "anchor shutdown", "anchor total", "ratio health-gated / anchor", "ratio no-health / anchor"], rows),
        "",
        "Peak RSS (VmHWM of the process), MB:",
        "",
        table(["N", "steward (health-gated)", "steward (no health)", "swift-service-lifecycle", "ratio health-gated / anchor"], rss_rows),
    ]
    # Issue 15's goals: at most the anchor's time at 100 components, at most a quarter of it at 10,000.
    goals = []
    for goal_n, share in ((100, 1.0), (10_000, 0.25)):
        if goal_n not in sizes:
            continue
        a, b = stat(ours, goal_n, "total_ns", 1e-6), stat(theirs, goal_n, "total_ns", 1e-6)
        if a.median is not None and b.median is not None:
            goals.append((f"in-process boot + shutdown of {goal_n:,} ≤ {share:g}× swift-service-lifecycle's",
                          f"{fmt(a.median)} ms vs {fmt(b.median)} ms = {fmt(a.median / b.median)}× (goal ≤ {share:g}×)",
                          a.median <= share * b.median))
    return "\n".join(text), goals, {"results": {f"{k[0]}|{k[1]}": v for k, v in results.items()},
                                                      "capped": {f"{k[0]}|{k[1]}": v for k, v in capped.items()}}


# ---------------------------------------------------------------------------------------------
# Scenario 2: idle footprint and wakeups
# ---------------------------------------------------------------------------------------------

def idle_subjects(cfg, root, n):
    subjects = [StewardRun("steward run", n, scratch(root, "steward-run"), cfg.steward)]
    if n == 1:
        subjects.append(StewardExec("steward exec", n, scratch(root, "steward-exec"), cfg.steward))
        subjects.append(Tini("tini", n, scratch(root, "tini")))
        subjects.append(DumbInit("dumb-init", n, scratch(root, "dumb-init")))
    subjects.append(S6("s6-svscan + s6-supervise", n, scratch(root, "s6")))
    subjects.append(Supervisord("supervisord", n, scratch(root, "supervisord")))
    return subjects


def measure_idle(cfg, subjects):
    """Starts subjects at once and waits for their children; after cfg.settle s, watches their own
    processes for cfg.idle_window s. Per subject (by id): RSS, PSS, private dirty (MB), wake-ups per
    minute, own processes, threads (start, end), how wake-ups were counted, and whether all lived.
    The caller terminates the subjects (also when this raises)."""
    for s in subjects:
        s.start()
    for s in subjects:
        s.wait_ready()
    time.sleep(cfg.settle)
    table0 = proc_table()
    trees = {id(s): s.tree(table0) for s in subjects}
    before = {id(s): thread_switches(trees[id(s)]) for s in subjects}
    threads0 = {id(s): sum(len(threads(p)) for p in trees[id(s)]) for s in subjects}
    perfs = {}
    if cfg.perf:
        for s in subjects:
            perfs[id(s)] = subprocess.Popen(
                ["perf", "stat", "-x,", "-e", "context-switches", "-p", ",".join(map(str, trees[id(s)])),
                 "--", "sleep", str(cfg.idle_window)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    time.sleep(cfg.idle_window)
    for proc in perfs.values():
        proc.wait()
    elapsed = time.monotonic() - t0
    out = {}
    for s in subjects:
        tree = trees[id(s)]
        after = thread_switches(tree)
        # /proc: per thread, the switches since the first reading (a thread born since counts
        # whole; one that ended is lost, which perf does not miss).
        proc_count = sum(v - before[id(s)].get(k, 0) for k, v in after.items())
        wakeups, method = proc_count, "proc"
        if id(s) in perfs:
            lines = [l for l in perfs[id(s)].stderr.read().splitlines() if l.endswith(",context-switches,") or ",context-switches," in l]
            if lines and lines[-1].split(",")[0].isdigit():
                wakeups, method = int(lines[-1].split(",")[0]), "perf"
                # perf stat -p follows the threads that exist when it attaches; add the
                # switches of threads born during the window, which it cannot see.
                wakeups += sum(v for k, v in after.items() if k not in before[id(s)])
        rollups = [smaps_rollup(p) for p in tree]
        out[id(s)] = {"rss": sum(status_field(p, "VmRSS") or 0 for p in tree) / 1024,
                      "pss": sum(r[0] for r in rollups) / 1024, "uss": sum(r[1] for r in rollups) / 1024,
                      "wake": wakeups * 60 / elapsed, "procs": len(tree),
                      "threads": (threads0[id(s)], sum(len(threads(p)) for p in tree)), "method": method,
                      "alive": all(live(p) for p in tree)}
    return out


def scenario_idle(cfg, root):
    data = {}  # (name, n) -> {"rss": [...], "wake": [...], "procs": [...]}
    for rep in range(cfg.repeat):
        subjects = [s for n in (1, 100) for s in idle_subjects(cfg, root, n)]
        try:
            measured = measure_idle(cfg, subjects)
            for s in subjects:
                d = data.setdefault((s.name, s.n), {})
                for key, value in measured[id(s)].items():
                    d.setdefault(key, []).append(value)
            log(f"  2 idle #{rep + 1}: " + ", ".join(f"{s.name}/{s.n}: {data[(s.name, s.n)]['rss'][-1]:.1f} MB "
                                                      f"{data[(s.name, s.n)]['wake'][-1]:.0f}/min" for s in subjects))
        finally:
            for s in subjects:
                s.terminate()
            kill_descendants()

    def row(name, n, anchor_name=None):
        d = data.get((name, n))
        if not d:
            return None
        rss, wake = Stat(d["rss"]), Stat(d["wake"])
        t0 = min(t[0] for t in d["threads"]), max(t[0] for t in d["threads"])
        t1 = min(t[1] for t in d["threads"]), max(t[1] for t in d["threads"])
        span = lambda t: f"{t[0]}" if t[0] == t[1] else f"{t[0]}–{t[1]}"
        return [name, f"{n}", str(max(d["procs"])), f"{span(t0)} → {span(t1)}", rss.cell(), Stat(d["pss"]).cell(),
                Stat(d["uss"]).cell(), wake.cell()]

    names = ["steward run", "steward exec", "tini", "dumb-init", "s6-svscan + s6-supervise", "supervisord"]
    rows = []
    for n in (1, 100):
        st = Stat(data[("steward run", n)]["rss"])
        for name in names:
            r = row(name, n)
            if r is None:
                continue
            other = Stat(data[(name, n)]["rss"])
            r.append("1×" if name == "steward run" else ratio(st, other))
            rows.append(r)
    text = [
        f"All subjects run at the same time, each with its own `sleep infinity` children. After every child is up "
        f"and {fmt(cfg.settle)} s more, the supervisor's own processes are watched for {fmt(cfg.idle_window)} s and "
        "their context switches counted, scaled to a minute: a thread that sleeps is switched out once per wake-up, "
        "so this counts wake-ups. " + ("Counted with `perf stat -e context-switches -p PIDS` (every thread, including "
        "threads that end during the window), plus the switches of threads born during the window. " if cfg.perf else
        "Counted from `/proc/PID/task/*/status` (voluntary + involuntary, per thread: threads that end during the "
        "window are lost — perf was not available). ") + "\"threads\" = threads of those processes at the start → "
        "end of the window. RSS = VmRSS at the end of the window, summed over the supervisor's own processes "
        f"(s6: s6-svscan plus one s6-supervise per service; supervisord: the supervisord process only; the "
        f"`sleep` children are never counted). Median (min–max) over {cfg.repeat} runs.",
        "",
        table(["supervisor", "children", "own processes", "threads", "RSS MB", "PSS MB", "private dirty MB", "wake-ups / min",
               "RSS ratio steward run / this"], rows),
        "",
        "RSS (VmRSS) counts every resident page mapped, including shared libraries' clean pages that other processes "
        "using the same libraries share (libswiftCore, Foundation, libpython…); PSS divides shared pages among their "
        "users (so it depends on what else runs: here three steward processes share one set of libraries); "
        "private dirty = `Private_Dirty` of `/proc/PID/smaps_rollup`: heap, stacks and written data, what the "
        "supervisor costs whatever else runs. The goal is judged on RSS, as the issue states it.",
    ]
    goals = []
    st100, sv100 = Stat(data[("steward run", 100)]["rss"]), Stat(data[("supervisord", 100)]["rss"])
    pst, psv = Stat(data[("steward run", 100)]["uss"]), Stat(data[("supervisord", 100)]["uss"])
    goals.append(("idle RSS with 100 children ≤ 1/4 of supervisord's",
                  f"{fmt(st100.median)} MB vs {fmt(sv100.median)} MB = {fmt(st100.median / sv100.median)}× (goal ≤ 0.25×); "
                  f"private dirty memory: {fmt(pst.median)} MB vs {fmt(psv.median)} MB = {fmt(pst.median / psv.median)}×",
                  st100.median <= 0.25 * sv100.median))
    for n in (1, 100):
        w = Stat(data[("steward run", n)]["wake"])
        goals.append((f"zero idle wake-ups (steward run, {n} {'child' if n == 1 else 'children'})",
                      f"{fmt(w.median)} / min (max {fmt(max(w.values))})", max(w.values) == 0))
    w = Stat(data[("steward exec", 1)]["wake"])
    goals.append(("zero idle wake-ups (steward exec, 1 child)", f"{fmt(w.median)} / min (max {fmt(max(w.values))})", max(w.values) == 0))
    return "\n".join(text), goals, {f"{k[0]}|{k[1]}": v for k, v in data.items()}


# ---------------------------------------------------------------------------------------------
# Scenario 3: SIGTERM -> exit
# ---------------------------------------------------------------------------------------------

FANOUT = 'for i in $(seq $0); do sleep infinity & done; wait'


def sigterm_subjects(cfg, root, n):
    subjects = [StewardRun("steward run", n, scratch(root, "steward-run"), cfg.steward)]
    if n == 1:
        subjects += [StewardExec("steward exec", n, scratch(root, "steward-exec"), cfg.steward),
                     Tini("tini", n, scratch(root, "tini")),
                     DumbInit("dumb-init", n, scratch(root, "dumb-init"))]
    else:
        fan = ["sh", "-c", FANOUT, str(n)]
        subjects += [StewardExec("steward exec --group (sh fan-out)", n, scratch(root, "steward-exec"), cfg.steward,
                                 command=fan, group=True),
                     Tini("tini -g (sh fan-out)", n, scratch(root, "tini"), command=fan, group=True),
                     DumbInit("dumb-init (sh fan-out)", n, scratch(root, "dumb-init"), command=fan)]
    subjects += [S6("s6-svscan + s6-supervise", n, scratch(root, "s6")),
                 Supervisord("supervisord", n, scratch(root, "supervisord"))]
    return subjects


def scenario_sigterm(cfg, root):
    data = {}
    for rep in range(cfg.repeat):
        for n in (1, 100):
            for s in sigterm_subjects(cfg, root, n):
                try:
                    s.start()
                    s.wait_ready()
                    time.sleep(cfg.settle_short)
                    kids = s.workers(proc_table())
                    t0 = MONO()
                    os.kill(s.pid, signal.SIGTERM)
                    status = CHILDREN.wait(s.pid, timeout=30)
                    t1 = MONO()
                    if status is None:
                        os.kill(s.pid, signal.SIGKILL)
                        status = CHILDREN.wait(s.pid)
                        elapsed = None
                    else:
                        elapsed = (t1 - t0) / 1e6
                    s.pid = None
                    time.sleep(0.1)
                    left = sum(1 for p in kids if live(p))
                    d = data.setdefault((s.name, n), {"ms": [], "code": [], "left": []})
                    d["ms"].append(elapsed)
                    d["code"].append(exit_code(status))
                    d["left"].append(left)
                    log(f"  3 sigterm n={n} #{rep + 1} {s.name}: {fmt(elapsed)} ms, exit {exit_code(status)}, {left} left running")
                finally:
                    if s.pid is not None:
                        s.terminate()
                    kill_descendants()
    rows = []
    for n in (1, 100):
        ours = Stat(data[("steward run", n)]["ms"])
        for (name, m), d in data.items():
            if m != n:
                continue
            codes = sorted(set(d["code"]))
            rows.append([name, str(n), Stat(d["ms"]).cell(), "/".join(str(c) for c in codes),
                         f"{max(d['left'])}" if max(d["left"]) else "0",
                         "1×" if name == "steward run" else ratio(ours, Stat(d["ms"]))])
    text = [
        "After every child is up (and a short settle), the harness sends SIGTERM to the supervisor and times "
        "until `waitpid` returns it; the `sleep` children exit on SIGTERM. \"left running\" = of the children that "
        "existed before, how many were still alive (not zombies) 100 ms after the supervisor had exited (the "
        "harness is a subreaper, so they would have come to it). tini/dumb-init/`steward exec` with 100 children "
        "run a shell that starts them in the background (`sh -c 'for …; do sleep infinity & done; wait'`), with "
        "signals forwarded to the process group. Median (min–max) over the runs, ms.",
        "",
        table(["supervisor", "children", "SIGTERM → exit, ms", "exit code(s)", "left running (max)", "ratio steward run / this"], rows),
    ]
    ours, tini = Stat(data[("steward run", 1)]["ms"]), Stat(data[("tini", 1)]["ms"])
    ex = Stat(data[("steward exec", 1)]["ms"])
    goals = [("SIGTERM → exit with 1 child within 3× tini (steward run)",
              f"{fmt(ours.median)} ms vs {fmt(tini.median)} ms = {fmt(ours.median / tini.median)}× (goal ≤ 3×)",
              ours.median <= 3 * tini.median),
             ("SIGTERM → exit with 1 child within 3× tini (steward exec)",
              f"{fmt(ex.median)} ms vs {fmt(tini.median)} ms = {fmt(ex.median / tini.median)}× (goal ≤ 3×)",
              ex.median <= 3 * tini.median)]
    return "\n".join(text), goals, {f"{k[0]}|{k[1]}": v for k, v in data.items()}


# ---------------------------------------------------------------------------------------------
# Scenario 4: spawn -> running
# ---------------------------------------------------------------------------------------------

LOG_TIME = re.compile(r"^time=(\S+) ")


def steward_log_instant(path, predicate):
    """Wall-clock seconds of the first log line of steward matching predicate."""
    try:
        with open(path) as f:
            for line in f:
                if predicate(line):
                    m = LOG_TIME.match(line)
                    if m:
                        return datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                            tzinfo=datetime.timezone.utc).timestamp()
    except OSError:
        pass
    return None


def spawn_raw(cfg, n):
    r_out, w_out = os.pipe()
    r_in, w_in = os.pipe()
    t0 = MONO()
    pid = CHILDREN.spawn([cfg.benchtool, "spawn", str(n)], stdout=w_out, stdin=r_in)
    os.close(w_out)
    os.close(r_in)
    with os.fdopen(r_out) as out:
        line = out.readline()
        t1 = MONO()
        os.write(w_in, b"\n")
        os.close(w_in)
        rest = out.read()
    CHILDREN.wait(pid)
    internal = int(re.search(r"spawn_ns=(\d+)", line).group(1)) / 1e6
    return (t1 - t0) / 1e6, internal


def spawn_steward(cfg, root, n):
    s = StewardRun("steward run", n, scratch(root, "steward-spawn"), cfg.steward)
    s.start()
    try:
        def connect():
            try:
                return unix_http(s.socket, "/wait?timeout=120s")
            except (FileNotFoundError, ConnectionRefusedError):
                return None
        # /wait (like /readyz) answers "ready" at once in the few ms between the control socket
        # opening and the lifecycle's run() registering its readiness key (see Analysis.md), so
        # a "ready" is only taken once /status confirms N running; otherwise ask again.
        deadline = time.monotonic() + 120
        early = 0
        while True:
            if time.monotonic() > deadline:
                raise RuntimeError("steward: not ready within 120 s")
            result = connect()
            if result is None:
                time.sleep(0.001)
                continue
            t1 = MONO()
            if result[0] != 200:
                raise RuntimeError(f"steward /wait: {result}")
            status, body = unix_http(s.socket, "/status")
            running = sum(1 for p in json.loads(body)["processes"] if p["state"] == "running")
            if running == n:
                break
            early += 1
            time.sleep(0.001)
        if early:
            s.early_ready = early
        start = steward_log_instant(s.stdout, lambda l: 'msg="group 0 starting"' in l)
        ready = steward_log_instant(s.stdout, lambda l: 'msg="ready"' in l and "component=" not in l)
        internal = (ready - start) * 1e3 if start and ready else None
        t2 = MONO()
        os.kill(s.pid, signal.SIGTERM)
        CHILDREN.wait(s.pid)
        stop = (MONO() - t2) / 1e6
        s.pid = None
        return (t1 - s.t_spawn) / 1e6, internal, stop, getattr(s, "early_ready", 0)
    finally:
        if s.pid:
            s.terminate()
        kill_descendants()


def spawn_supervisord(cfg, root, n):
    s = Supervisord("supervisord", n, scratch(root, "supervisord-spawn"))
    s.start()
    try:
        times = wait_until(lambda: (lambda t: t if len(t) >= n else None)(s.running_times()), 120, 0.02)
        if not times:
            raise RuntimeError(f"supervisord: not all {n} RUNNING")
        first_log = None
        with open(s.logfile) as f:
            for line in f:
                first_log = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp()
                break
        end_to_end = (max(times) - s.wall_spawn) * 1e3
        internal = (max(times) - first_log) * 1e3 if first_log else None
        t2 = MONO()
        os.kill(s.pid, signal.SIGTERM)
        CHILDREN.wait(s.pid)
        stop = (MONO() - t2) / 1e6
        s.pid = None
        return end_to_end, internal, stop, 0
    finally:
        if s.pid:
            s.terminate()
        kill_descendants()


def scenario_spawn(cfg, root):
    data = {}
    for n in cfg.spawn_sizes:
        for rep in range(cfg.repeat):
            e, i = spawn_raw(cfg, n)
            data.setdefault(("raw posix_spawn (C)", n), {"e2e": [], "internal": [], "stop": []})
            data[("raw posix_spawn (C)", n)]["e2e"].append(e)
            data[("raw posix_spawn (C)", n)]["internal"].append(i)
            kill_descendants()
            for name, fn in (("steward run", spawn_steward), ("supervisord (startsecs=0)", spawn_supervisord)):
                e2, i2, stop, early = fn(cfg, root, n)
                d = data.setdefault((name, n), {"e2e": [], "internal": [], "stop": [], "early": []})
                d["early"].append(early)
                d["e2e"].append(e2)
                d["internal"].append(i2)
                d["stop"].append(stop)
            log(f"  4 spawn n={n} #{rep + 1}: " + ", ".join(f"{k[0]}: {fmt(v['e2e'][-1])} ms" for k, v in data.items() if k[1] == n))
    rows = []
    for n in cfg.spawn_sizes:
        raw = Stat(data[("raw posix_spawn (C)", n)]["e2e"])
        ours = Stat(data[("steward run", n)]["e2e"])
        for name in ("steward run", "raw posix_spawn (C)", "supervisord (startsecs=0)"):
            d = data[(name, n)]
            rows.append([name, f"{n:,}", Stat(d["e2e"]).cell(), Stat(d["internal"]).cell(),
                         Stat(d["stop"]).cell() if d["stop"] else "–",
                         "1×" if name == "steward run" else ratio(ours, Stat(d["e2e"]))])
    text = [
        "end to end = from the harness's posix_spawn of the supervisor until it reports all N children running: "
        "steward — the response to `GET /wait` on its control socket (the event-driven form of polling `/readyz`: "
        "answered when the lifecycle is ready, i.e. every process was spawned; the harness connects as soon as the "
        "socket exists, then checks `GET /status` shows N `running`); supervisord — the instant of its N-th "
        "`entered RUNNING state` log line (with `startsecs=0`: right after the spawn); raw — the C program's "
        "`SPAWNED` line on a pipe, printed once its N-th `posix_spawnp(\"sleep\", …)` returned. "
        "inside = the supervisor's own part: steward's log `group 0 starting` → `ready` (ms timestamps), "
        "supervisord's first log line → N-th RUNNING, the C program's spawn loop. stop = SIGTERM → exit with the N "
        "children (steward sends the stop signal to each child's group and reaps it; supervisord likewise). "
        "The N=1 row shows the fixed cost of starting the supervisor itself. Median (min–max), ms.",
        "",
        table(["supervisor", "children", "end to end, ms", "inside, ms", "stop (SIGTERM → exit), ms", "ratio steward / this (end to end)"], rows),
    ]
    early = sum(sum(v.get("early", [])) for v in data.values())
    runs = sum(len(v.get("early", [])) for (name, _), v in data.items() if name == "steward run")
    text.append("")
    hit = sum(1 for (name, _), v in data.items() if name == 'steward run' for e in v['early'] if e)
    text.append(f"In {hit} of {runs} steward runs `/wait` first answered 200 while `/status` still showed processes "
                f"`pending` ({early} early answers in all); the harness then asks again. Readiness passes in the window "
                "between the control socket opening and `run()` registering the `lifecycle` key (see the analysis), "
                "so how often a run hits it depends on timing.")
    goals = []
    if 100 in cfg.spawn_sizes:
        ours, raw = Stat(data[("steward run", 100)]["e2e"]), Stat(data[("raw posix_spawn (C)", 100)]["e2e"])
        goals.append(("spawn-to-running for 100 children within 1.5× raw posix_spawn",
                      f"{fmt(ours.median)} ms vs {fmt(raw.median)} ms = {fmt(ours.median / raw.median)}× (goal ≤ 1.5×)",
                      ours.median <= 1.5 * raw.median))
    return "\n".join(text), goals, {f"{k[0]}|{k[1]}": v for k, v in data.items()}


# ---------------------------------------------------------------------------------------------
# Scenario 5: reaping orphaned zombies
# ---------------------------------------------------------------------------------------------

def scenario_reap(cfg, root):
    n = cfg.orphans
    data = {}
    for rep in range(cfg.repeat):
        for kind in ("steward run", "steward exec", "tini -s"):
            work = scratch(root, "reap-" + kind)
            pidfile = os.path.join(work, "orphans.txt")
            script = f'"$0" orphans {n} {pidfile}; exec sleep infinity'
            command = ["sh", "-c", script, cfg.benchtool]
            if kind == "steward run":
                s = StewardRun(kind, 1, work, cfg.steward, command=command)
            elif kind == "steward exec":
                s = StewardExec(kind, 1, work, cfg.steward, command=command)
            else:
                s = Tini(kind, 1, work, command=command)
            r_out, w_out = os.pipe()
            watcher = CHILDREN.spawn([cfg.benchtool, "zwatch", pidfile, "60"], stdout=w_out)
            os.close(w_out)
            try:
                s.start()
                with os.fdopen(r_out) as out:
                    line = out.read()
                CHILDREN.wait(watcher)
                m = re.search(r"reap_ns=(\d+)", line)
                ms = int(m.group(1)) / 1e6 if m else None
                data.setdefault(kind, []).append(ms)
                log(f"  5 reap #{rep + 1} {kind}: {fmt(ms) if ms is not None else line.strip()} ms")
            finally:
                s.terminate()
                kill_descendants()
    rows = []
    ours = Stat(data["steward run"])
    for kind, values in data.items():
        rows.append([kind, f"{n:,}", Stat(values).cell(), "1×" if kind == "steward run" else ratio(ours, Stat(values))])
    text = [
        f"The supervised command is `sh -c 'benchtool orphans {n} FILE; exec sleep infinity'`: `benchtool orphans` "
        f"forks {n} children that block reading a pipe whose only writer is itself, writes their pids and a "
        "CLOCK_MONOTONIC timestamp, and exits; its exit closes the pipe, so all of them exit at once, as orphans "
        "re-parented to the nearest subreaper (steward, or `tini -s`). `benchtool zwatch` polls `kill(pid, 0)` "
        "(which succeeds on a zombie) until none of the pids exists; the figure is that instant minus the "
        "timestamp. It includes the kernel's exit work and the wake-up of the blocked children. Median (min–max), ms.",
        "",
        table(["init", "orphans", "exit → all reaped, ms", "ratio steward run / this"], rows),
    ]
    return "\n".join(text), [], data


# ---------------------------------------------------------------------------------------------
# Scenario 6: probe endpoint under load, restart latency
# ---------------------------------------------------------------------------------------------

WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_P99 = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.M)
WRK_NON2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
WRK_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
FLAP = re.compile(r"^(flap\d+) \| FLAP (start|end) (\d+)")
DELAY = re.compile(r'msg="run ended; restarting".*component=(flap\d+).*delay=([\d.]+)(ms|µs|us|s)\b')


def restart_latencies(path, windows):
    """Per window: (latencies ms, latency - backoff delay ms) of restarts whose exit fell in it."""
    events, delays = {}, {}
    with open(path, errors="replace") as f:
        for line in f:
            m = FLAP.match(line)
            if m:
                events.setdefault(m.group(1), []).append((m.group(2), int(m.group(3))))
                continue
            m = DELAY.search(line)
            if m:
                unit = {"ms": 1, "µs": 1e-3, "us": 1e-3, "s": 1e3}[m.group(3)]
                delays.setdefault(m.group(1), []).append(float(m.group(2)) * unit)
    out = [([], []) for _ in windows]
    for name, seq in events.items():
        k = 0
        d = delays.get(name, [])
        for (kind_a, ta), (kind_b, tb) in zip(seq, seq[1:]):
            if kind_a == "end" and kind_b == "start":
                latency = (tb - ta) / 1e6
                delay = d[k] if k < len(d) else None
                k += 1
                for i, (w0, w1) in enumerate(windows):
                    if w0 <= ta < w1:
                        out[i][0].append(latency)
                        if delay is not None:
                            out[i][1].append(latency - delay)
    return out


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def scenario_probe(cfg, root):
    reps = []
    for rep in range(cfg.repeat):
        port = free_port()
        work = scratch(root, "probe")
        extra = f'  http: {{ listen: "127.0.0.1:{port}" }},\n'
        s = StewardRun("steward run", 10, work, cfg.steward, command=[cfg.benchtool, "flap", "200"], extra=extra)
        with open(s.config) as f:
            text = f.read()
        restart = ('restart: { policy: "always", backoff: "10ms", maxBackoff: "10ms", maxRestarts: 1000000, window: "1s" }, '
                   "critical: false")
        text = re.sub(r"    p(\d+): \{ command: (.*) \}", lambda m: f"    flap{m.group(1)}: {{ command: {m.group(2)}, {restart} }}", text)
        with open(s.config, "w") as f:
            f.write(text)
        try:
            s.start()
            if not wait_until(lambda: os.path.exists(s.socket), 30, 0.01):
                raise RuntimeError("steward did not start")
            time.sleep(1.0)
            a0 = MONO()
            time.sleep(cfg.probe_seconds)
            a1 = MONO()
            wrk = subprocess.run(["wrk", "-t2", "-c50", f"-d{cfg.probe_seconds}s", "--latency", f"http://127.0.0.1:{port}/readyz"],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=cfg.probe_seconds + 30)
            b1 = MONO()
            b0 = b1 - int(cfg.probe_seconds * 1e9)
        finally:
            s.terminate()
            kill_descendants()
        out = wrk.stdout
        rps = float(WRK_RPS.search(out).group(1)) if WRK_RPS.search(out) else None
        m = WRK_P99.search(out)
        p99 = float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[m.group(2)] if m else None
        non2xx = int(WRK_NON2XX.search(out).group(1)) if WRK_NON2XX.search(out) else 0
        errors = sum(int(x) for x in WRK_ERRORS.search(out).groups()) if WRK_ERRORS.search(out) else 0
        (idle_lat, idle_over), (load_lat, load_over) = restart_latencies(s.stdout, [(a0, a1), (b0, b1)])
        rep_data = {"rps": rps, "p99": p99, "non2xx": non2xx, "errors": errors,
                    "idle": idle_lat, "idle_over": idle_over, "load": load_lat, "load_over": load_over}
        reps.append(rep_data)
        log(f"  6 probe #{rep + 1}: {fmt(rps)} req/s, p99 {fmt(p99)} ms, non-2xx {non2xx}, restarts idle {len(idle_lat)} "
            f"(median {fmt(statistics.median(idle_lat)) if idle_lat else '–'} ms), under load {len(load_lat)} "
            f"(median {fmt(statistics.median(load_lat)) if load_lat else '–'} ms)")
        if rps is None:
            log(out)

    def per_rep(key, fn):
        return Stat([fn(r[key]) for r in reps if r[key]])
    rps, p99 = Stat([r["rps"] for r in reps]), Stat([r["p99"] for r in reps])
    med_idle, med_load = per_rep("idle", statistics.median), per_rep("load", statistics.median)
    p99_idle, p99_load = per_rep("idle", lambda v: percentile(v, 99)), per_rep("load", lambda v: percentile(v, 99))
    over_idle, over_load = per_rep("idle_over", statistics.median), per_rep("load_over", statistics.median)
    count_idle, count_load = Stat([len(r["idle"]) for r in reps]), Stat([len(r["load"]) for r in reps])
    rows = [
        ["`/readyz` requests/s (wrk -t2 -c50)", "–", rps.cell(), "–"],
        ["`/readyz` p99 latency, ms", "–", p99.cell(), "–"],
        ["non-2xx responses / socket errors (max)", "–", f"{max(r['non2xx'] for r in reps)} / {max(r['errors'] for r in reps)}", "–"],
        ["restarts measured per run", count_idle.cell(), count_load.cell(), "–"],
        ["restart latency (child exit → next child running), median, ms", med_idle.cell(), med_load.cell(), ratio(med_load, med_idle)],
        ["restart latency, p99, ms", p99_idle.cell(), p99_load.cell(), ratio(p99_load, p99_idle)],
        ["restart latency minus the backoff delay steward logged, median, ms", over_idle.cell(), over_load.cell(), ratio(over_load, over_idle)],
    ]
    text = [
        f"`steward run` with `http: {{ listen: \"127.0.0.1:PORT\" }}` and 10 processes `benchtool flap 200` "
        "(prints a CLOCK_MONOTONIC timestamp, sleeps 200 ms, prints another and exits 1 — the `sh -c 'sleep 0.2; "
        "exit 1'` of the issue with its own start and exit instants), `restart: { policy: \"always\", backoff: "
        "\"10ms\", maxBackoff: \"10ms\" }` (so each delay is 8–10 ms: 20 % jitter). First "
        f"{fmt(cfg.probe_seconds)} s without load, then {fmt(cfg.probe_seconds)} s of `wrk -t2 -c50 --latency` "
        "against `/readyz` (wrk shares the 2 cores with steward and the children). Restart latency = a child's "
        "\"end\" timestamp → its successor's \"start\" timestamp (exit, SIGCHLD, reap, backoff, spawn, exec), "
        "grouped by the window the exit fell in; \"minus the backoff\" subtracts the delay steward's log line "
        "`run ended; restarting` gives for that restart. No anchor: the ratio is under load / without. "
        f"Per-run medians and p99s, then median (min–max) over {cfg.repeat} runs.",
        "",
        table(["measure", "without load", "under wrk load", "ratio load / no load"], rows),
    ]
    return "\n".join(text), [], reps


# ---------------------------------------------------------------------------------------------
# Scenario 7: cron fire jitter
# ---------------------------------------------------------------------------------------------

def scenario_cron(cfg, root):
    fires = cfg.cron_fires
    work = scratch(root, "cron")
    stamps = os.path.join(work, "stamps.txt")
    extra = ("  jobs: {\n    tick: { command: " + json.dumps([cfg.benchtool, "stamp", stamps])
             + ', schedule: "* * * * * *" },\n  },\n')
    s = StewardRun("steward run", 1, work, cfg.steward, extra=extra)
    values = []
    try:
        s.start()

        def count():
            try:
                with open(stamps) as f:
                    return sum(1 for _ in f)
            except OSError:
                return 0
        # One more than wanted: the first fire comes right after start and is left out.
        wait_until(lambda: count() >= fires + 1, fires * 1.5 + 30, 0.5)
    finally:
        s.terminate()
        kill_descendants()
    with open(stamps) as f:
        values = [int(line) for line in f if line.strip()][1:fires + 1]
    late = []
    for ns in values:
        frac = (ns % 1_000_000_000) / 1e6
        late.append(frac - 1000 if frac > 500 else frac)  # a fire before its second is early (negative)
    seconds = [round((ns - l * 1e6) / 1e9) for ns, l in zip(values, late)]
    missed = sum(b - a - 1 for a, b in zip(seconds, seconds[1:]) if b - a > 1)
    doubled = sum(1 for a, b in zip(seconds, seconds[1:]) if b == a)
    log(f"  7 cron: {len(values)} fires, p50 {fmt(percentile(late, 50))} ms, p99 {fmt(percentile(late, 99))} ms, "
        f"max {fmt(max(late) if late else None)} ms, {missed} missed")
    rows = [[f"{len(values):,}", fmt(percentile(late, 50)), fmt(percentile(late, 99)), fmt(min(late) if late else None),
             fmt(max(late) if late else None), str(missed), str(doubled)]]
    text = [
        f"`steward run` with one job `tick: {{ command: [\"benchtool\", \"stamp\", FILE], schedule: \"* * * * * *\" }}` "
        "(cron with seconds: every second). Each run appends its own CLOCK_REALTIME to FILE as its first act; the "
        "jitter of a fire is that instant minus the whole second it was scheduled for, so it includes the scheduler's "
        "wake-up, the spawn and the exec of the command (about 1 ms of spawn and exec alone, see scenario 4). "
        f"The first fire after start is left out; {len(values):,} fires follow"
        + (f" (the issue asks for 1,000; this run used {fires})" if fires != 1000 else "") + ". No anchor (a ratio "
        "would need cron or systemd timers, which fire at whole seconds only by accident). "
        "missed = scheduled seconds with no run; doubled = two runs in one second.",
        "",
        table(["fires", "p50, ms", "p99, ms", "min, ms", "max, ms", "missed", "doubled"], rows),
    ]
    return "\n".join(text), [], {"late_ms": late}


def scenario_journal(cfg, root):
    """Runs persisted per second with their logs, and the journal's size per 10,000 runs."""
    runs = 2000 if cfg.quick else 10_000
    variants = [("SQLite journal", "sqlite"), ("in-memory store", "memory")]
    line_counts = [0, 10, 100]
    results = {}
    for lines in line_counts:
        for rep in range(cfg.repeat):
            for name, store in variants:
                argv = [cfg.journal_bench, "--store", store, "--runs", str(runs), "--lines", str(lines),
                        "--path", os.path.join(scratch(root, f"journal-{store}-{lines}-{rep}"), "journal.sqlite")]
                result = run_json_line(argv, 600)
                if result == "timeout" or result.get("failed", 1) != 0:
                    raise RuntimeError(f"journal-bench {store} lines={lines} failed: {result}")
                results.setdefault((store, lines), []).append(result)
                log(f"  8 journal {store} lines={lines} #{rep + 1}: {result['runs_per_second']:.0f} runs/s, "
                    f"{result['bytes'] / 1e6:.1f} MB")
    rows = []
    for lines in line_counts:
        ours = Stat([r["runs_per_second"] for r in results[("sqlite", lines)]])
        memory = Stat([r["runs_per_second"] for r in results[("memory", lines)]])
        size = Stat([r["bytes_per_10k_runs"] / 1e6 for r in results[("sqlite", lines)]])
        rows.append([str(lines), ours.cell(), memory.cell(), ratio(ours, memory), size.cell()])
    text = [
        f"`journal-bench --runs {runs:,} --lines L`: a `JobScheduler` on the store runs {runs:,} runs of one job "
        "(overlap `allow`), triggered by 32 tasks at once; each run's queued and running records are durable before it "
        "executes (the journal commits them before `trigger` and `execute`), it writes L log lines of about 60 bytes "
        "and one progress value, and its final record is durable before the run counts as done. Runs per second from "
        "the first trigger to the last final record; size = the file (and its WAL) after the journal closed, scaled "
        f"to 10,000 runs. The in-memory store is the anchor: the ratio is what durability costs. Median (min–max) "
        f"over {cfg.repeat} runs, each in a fresh process and a fresh file.",
        "",
        table(["log lines per run", "journal, runs/s", "in memory, runs/s", "ratio journal / memory",
               "journal size per 10,000 runs, MB"], rows),
    ]
    return "\n".join(text), [], {f"{k[0]}|{k[1]}": v for k, v in results.items()}


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------

def command_version(argv):
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=10).stdout.strip()
        return out.splitlines()[0] if out else "?"
    except Exception:
        return "?"


def machine_info():
    info = {}
    info["nproc"] = os.cpu_count()
    info["kernel"] = os.uname().release + " (" + os.uname().machine + ")"
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    info["cpu"] = cpu
    with open("/proc/meminfo") as f:
        info["memory"] = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    try:
        with open("/etc/debian_version") as f:
            info["os"] = "Debian " + f.read().strip()
    except OSError:
        info["os"] = "?"
    return info


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    import regression_goals
    import static_scenarios
    p = argparse.ArgumentParser()
    p.add_argument("--steward", required=True)
    p.add_argument("--lifecycle-bench", help="needed by scenario 1")
    p.add_argument("--anchor", help="needed by scenario 1")
    p.add_argument("--benchtool", required=True)
    p.add_argument("--journal-bench", help="needed by scenario 8")
    p.add_argument("--static-steward", help="the static binary (scenario 9)")
    p.add_argument("--static-build", default="?", help="the command that built --static-steward (for the report)")
    p.add_argument("--out", required=True)
    p.add_argument("--raw", help="also write the raw figures as JSON here")
    p.add_argument("--analysis", help="a Markdown file appended to the report (hand-written analysis)")
    p.add_argument("--commit", default="?")
    p.add_argument("--versions", default="{}", help="JSON: anchor -> version")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--repeat", type=int)
    p.add_argument("--scenarios", default="1,2,3,4,5,6,7,8,9,10")
    p.add_argument("--cron-fires", type=int, help="fires of scenario 7 (default 1000, 20 with --quick)")
    cfg = p.parse_args()
    cfg.repeat = cfg.repeat or (2 if cfg.quick else 5)
    cfg.lifecycle_sizes = [10, 100, 1000] if cfg.quick else [10, 100, 1_000, 10_000, 100_000]
    cfg.cap_ours = 30 if cfg.quick else 180
    cfg.cap_theirs = 20 if cfg.quick else 90
    cfg.settle = 1.0 if cfg.quick else 5.0
    cfg.settle_short = 0.3 if cfg.quick else 1.0
    cfg.idle_window = 5.0 if cfg.quick else 20.0
    cfg.spawn_sizes = [1, 100] if cfg.quick else [1, 100, 1_000]
    cfg.orphans = 200 if cfg.quick else 1_000
    cfg.probe_seconds = 3 if cfg.quick else 10
    cfg.cron_fires = cfg.cron_fires or (20 if cfg.quick else 1000)
    scenarios = {int(x) for x in cfg.scenarios.split(",") if x}
    for number, needed in ((1, ("lifecycle_bench", "anchor")), (8, ("journal_bench",)), (9, ("static_steward",))):
        for name in needed:
            if number in scenarios and not getattr(cfg, name):
                p.error(f"scenario {number} needs --{name.replace('_', '-')}")
    cfg.perf = bool(scenarios & {2, 9}) and perf_works()

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except OSError:
        log("warning: cannot become a child subreaper")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = loadavg()
    root = tempfile.mkdtemp(prefix="steward-bench-")
    sections, goals, raw = [], [], {}
    plan = [
        (1, "1. In-process lifecycle: boot + graceful shutdown of N components", lambda: scenario_lifecycle(cfg)),
        (2, "2. Idle footprint and wake-ups", lambda: scenario_idle(cfg, root)),
        (3, "3. SIGTERM → exit", lambda: scenario_sigterm(cfg, root)),
        (4, "4. Spawn → running", lambda: scenario_spawn(cfg, root)),
        (5, "5. Reaping orphaned zombies", lambda: scenario_reap(cfg, root)),
        (6, "6. Probe endpoint under load; restart latency", lambda: scenario_probe(cfg, root)),
        (7, "7. Cron fire jitter", lambda: scenario_cron(cfg, root)),
        (8, "8. The run journal: runs persisted per second, with logs", lambda: scenario_journal(cfg, root)),
        (9, "9. The static binary: size, libraries, idle footprint", lambda: static_scenarios.scenario_static(cfg, root)),
        (10, "10. Start → SIGTERM cycles", lambda: static_scenarios.scenario_sigterm_cycles(cfg, root)),
    ]
    try:
        for number, title, fn in plan:
            if number not in scenarios:
                continue
            log(f"scenario {title}")
            t0 = time.monotonic()
            try:
                text, g, data = fn()
            except Exception as error:  # a broken scenario is reported, the others still run
                import traceback
                traceback.print_exc()
                text, g, data = f"**Not measured: {type(error).__name__}: {error}**", [], None
            kill_descendants()
            sections.append(f"## {title}\n\n{text}\n\n_({fmt(time.monotonic() - t0)} s)_")
            goals += g + regression_goals.rows(number, data, cfg)
            raw[str(number)] = data
    finally:
        kill_descendants()
        subprocess.run(["rm", "-rf", root])

    finished = datetime.datetime.now(datetime.timezone.utc)
    m = machine_info()
    versions = json.loads(cfg.versions)
    header = [
        "# Steward side by side with its anchors",
        "",
        "Written by `Benchmarks/run`" + (" --quick" if cfg.quick else "") + " — do not edit by hand; the analysis at the end "
        "is kept in `Benchmarks/Analysis.md`. Every figure below was measured in this one run, steward and anchors "
        "alternating, on this machine; ratios are steward / anchor (below 1 = steward is smaller or faster).",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} – {finished:%H:%M} UTC" + (" (quick mode: fewer repetitions, smaller N)" if cfg.quick else ""),
        f"- machine: {m['nproc']} cores, {m['cpu']}, {m['memory']}, kernel {m['kernel']}, {m['os']}",
        f"- load average (1/5/15 min) at start: {load_start}; at end: {loadavg()} — the machine is shared, so expect noise",
        f"- steward: commit {cfg.commit}, `swift build -c release`; {command_version([cfg.steward, 'version'])}",
        "- anchors: " + ", ".join(f"{k} {v}" for k, v in versions.items()),
        f"- repetitions: {cfg.repeat} per measurement; cells are median (min–max)",
        "",
        "## Goals",
        "",
        table(["goal", "measured", "met?"], [[g[0], g[1], "yes" if g[2] else "**no**"] for g in goals], numeric=False),
        "",
    ]
    body = "\n".join(header) + "\n" + "\n\n".join(sections) + "\n"
    if cfg.analysis and os.path.exists(cfg.analysis):
        with open(cfg.analysis) as f:
            body += "\n" + f.read()
    with open(cfg.out, "w") as f:
        f.write(body)
    if cfg.raw:
        with open(cfg.raw, "w") as f:
            json.dump({"config": {k: v for k, v in vars(cfg).items()}, "results": raw}, f, indent=1, default=str)
    log(f"wrote {cfg.out}")


if __name__ == "__main__":
    main()
