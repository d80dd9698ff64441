#!/usr/bin/env python3
"""Steward's shared journal measured side by side in one run (issue 14); see Benchmarks/README.md.

  cluster.py --cluster-bench PATH --steward PATH [--quick] [--runs N] [--repeat K]
             [--failovers K] [--claims K] [--parts runs,failover,claim] [--out FILE] [--raw FILE]
             [--commit TEXT] [--analysis FILE] [--from-raw FILE]

1. Runs per second (cluster-bench, in-process): the SQLite journal with one scheduler, PostgreSQL
   with 1 node and with 3 nodes, each with 0 and 10 log lines per run, interleaved, K times each;
   then one diagnostic pass of the PostgreSQL rows counting statements per run.
2. Fail-over: three real stewards (default heartbeat 1 s, lease 3 s), a long job triggered, its
   owner SIGKILLed; time until the run is `crashed` with `node lost`, and until its retry runs on
   another node.
3. Claim latency: a trigger on node a over its control socket until the run is `running` (on
   whichever node claimed it; the share run by a itself is reported).

Every part starts its own throwaway PostgreSQL server (Scripts/pgserver.py) and removes it.
"""
import argparse
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgserver  # noqa: E402
import pgclient  # noqa: E402
from cluster_nodes import Node  # noqa: E402


def log(message):
    print(f"== {message}", file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def percentile(values, p):
    """Nearest-rank percentile (p99 of fewer than 100 values is the largest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "kernel": platform.release(), "load_start": loadavg()}


# 1. Runs per second --------------------------------------------------------------------------

def bench(binary, arguments, timeout):
    done = subprocess.run([binary, *arguments], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"cluster-bench {' '.join(arguments)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_runs(args):
    rows = [("sqlite", 1), ("postgres", 1), ("postgres", 3)]
    results = {}
    server = pgserver.Server()
    try:
        common = ["--runs", str(args.runs), "--concurrency", str(args.concurrency), "--warmup", str(args.warmup)]
        for repetition in range(args.repeat):
            for lines in (0, 10):
                for store, nodes in rows:
                    key = f"{store}:{nodes}:{lines}"
                    extra = ["--connection", server.keywords()] if store == "postgres" else []
                    load = loadavg()
                    result = bench(args.cluster_bench, ["--store", store, "--nodes", str(nodes), "--lines", str(lines),
                                                        *common, *extra], timeout=args.timeout)
                    result["load"] = load
                    results.setdefault(key, []).append(result)
                    log(f"runs/s {key} #{repetition + 1}: {result['runs_per_second']:.0f} (failed {result['failed']}, load {load})")
        diagnostics = {}
        for lines in (0, 10):
            for nodes in (1, 3):
                result = bench(args.cluster_bench, ["--store", "postgres", "--nodes", str(nodes), "--lines", str(lines),
                                                    *common, "--connection", server.keywords(), "--statements"],
                               timeout=args.timeout)
                diagnostics[f"postgres:{nodes}:{lines}"] = result
                log(f"statements postgres:{nodes}:{lines}: {result.get('statements_per_run', float('nan')):.1f} per run")
        return {"rows": results, "diagnostics": diagnostics, "server": server.version}
    finally:
        server.stop()


# 2 and 3. Real stewards ------------------------------------------------------------------------

class StewardCluster:
    def __init__(self, steward, jobs, names=("a", "b", "c")):
        self.server = pgserver.Server()
        self.directory = tempfile.mkdtemp(prefix="steward-cluster-")
        self.server.psql("CREATE DATABASE journal")
        connection = self.server.keywords("journal")
        self.nodes = {name: Node(name, self.directory, steward, connection, jobs) for name in names}
        for node in self.nodes.values():
            node.start()
        self.db = pgclient.Connection(connection)

    def run(self, run_id):
        """(state, node, error, created_at, started_at, finished_at) of a run, or None."""
        row = self.db.row(f"SELECT state, node, error, created_at, started_at, finished_at FROM steward.runs WHERE run_id = '{run_id}'")
        return None if row is None else (row[0], row[1], row[2], *(int(v) if v is not None else None for v in row[3:]))

    def wait(self, what, check, timeout=60, interval=0.005):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(interval)
        raise RuntimeError(f"timed out after {timeout} s waiting for {what}")

    def close(self):
        for node in self.nodes.values():
            node.stop()
        self.db.close()
        self.server.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def measure_failover(args):
    jobs = 'long: { command: ["sleep", "3600"], retries: 1, retryBackoff: "100ms" }'
    cluster = StewardCluster(args.steward, jobs)
    samples = []
    try:
        names = list(cluster.nodes)
        for index in range(args.failovers):
            entry = cluster.nodes[names[index % len(names)]]
            run_id = entry.trigger("long")
            state = cluster.wait("the long run to start", lambda: (r := cluster.run(run_id)) and r[0] == "running" and r)
            owner = cluster.nodes[state[1]]
            # Kill at a random point of the owner's heartbeat cycle (its lease runs from its last beat).
            time.sleep(random.uniform(1.0, 2.0))
            killed = owner.kill()
            crashed = cluster.wait("the run to be rescued",
                                   lambda: (r := cluster.run(run_id)) and r[0] == "crashed" and r, timeout=60)
            if crashed[2] != "node lost":
                raise RuntimeError(f"run {run_id} crashed with {crashed[2]!r}, not 'node lost'")
            rescued_ms = crashed[5] - killed * 1000
            retry = cluster.wait("the retry to run", lambda: cluster.db.row(
                f"SELECT run_id, node, started_at FROM steward.runs WHERE retry_of = '{run_id}' AND state = 'running'"), timeout=60)
            retried_ms = int(retry[2]) - killed * 1000
            samples.append({"owner": owner.name, "rescued_ms": rescued_ms, "retry_running_ms": retried_ms, "retry_node": retry[1]})
            log(f"fail-over #{index + 1}: {owner.name} killed; crashed 'node lost' after {rescued_ms:.0f} ms, "
                f"retry running on {retry[1]} after {retried_ms:.0f} ms (load {loadavg()})")
            cluster.nodes[retry[1]].request("POST", f"/runs/{retry[0]}/stop", {})
            cluster.wait("the retry to stop", lambda: (r := cluster.run(retry[0])) and r[0] not in ("queued", "running"), timeout=60)
            owner.start()
        return {"samples": samples}
    finally:
        cluster.close()


def measure_claims(args):
    jobs = 'quick: { command: ["true"] }'
    cluster = StewardCluster(args.steward, jobs)
    samples = []
    try:
        node = cluster.nodes["a"]
        for _ in range(min(20, args.claims)):  # warm-up: connections, caches
            run_id = node.trigger("quick")
            cluster.wait("a warm-up run", lambda: (r := cluster.run(run_id)) and r[5] is not None)
        for index in range(args.claims):
            time.sleep(random.uniform(0.02, 0.08))
            sent = time.time()
            run_id = node.trigger("quick")
            answered = time.time()
            run = cluster.wait("the run to start", lambda: (r := cluster.run(run_id)) and r[4] is not None and r, timeout=30)
            samples.append({"node": run[1], "trigger_to_running_ms": run[4] - sent * 1000,
                            "queued_to_running_ms": run[4] - run[3], "http_ms": (answered - sent) * 1000})
            cluster.wait("the run to end", lambda: (r := cluster.run(run_id)) and r[5] is not None, timeout=30)
            if (index + 1) % 50 == 0:
                log(f"claims: {index + 1}/{args.claims} (load {loadavg()})")
        return {"samples": samples}
    finally:
        cluster.close()


# Report ------------------------------------------------------------------------------------------

def summary(values):
    return {"median": statistics.median(values), "p99": percentile(values, 99), "min": min(values), "max": max(values), "n": len(values)}


def render(args, data):
    info = data["machine"]
    out = ["# Steward's shared journal: runs per second, fail-over, claim latency",
           "",
           f"Generated by `Benchmarks/cluster{' --quick' if args.quick else ''}` on {data['date']}. "
           f"Steward commit `{args.commit}`. {data.get('postgres', '')}.",
           f"Machine: {info['cores']} cores ({info['cpu']}), kernel {info['kernel']}; load average "
           f"{info['load_start']} at the start, {info['load_end']} at the end"
           " (the 1-minute load of each row is in its raw figures; another build on the machine shows as high load and wide ranges).",
           ""]
    goals = []
    runs = data.get("runs")
    if runs:
        rows = runs["rows"]
        med = {key: statistics.median(r["runs_per_second"] for r in values) for key, values in rows.items()}
        out += ["## Runs per second",
                "",
                f"`cluster-bench` (one process): {args.runs} runs of a Swift job that returns at once (0 log lines) or logs 10 lines, "
                f"{args.concurrency} in flight, after {args.warmup} warm-up runs; from the first trigger to the last final record. "
                "SQLite: one `JobScheduler` on the SQLite journal (WAL, `synchronous = NORMAL`). PostgreSQL: N schedulers, each with "
                "its own `PostgresRunStore` (its own connections and threads) on one database, triggers spread over the nodes, "
                "each run claimed by whichever node claims first. The server is a throwaway PostgreSQL on this machine "
                "(Unix socket, `synchronous_commit = off`, fsync on: the same durability as SQLite's `synchronous = NORMAL`). "
                f"Median (min–max) of {args.repeat} repetitions, interleaved.",
                "",
                "| journal | nodes | log lines | runs/s | ratio vs SQLite | bench CPU ms/run | server CPU ms/run |",
                "|---|---:|---:|---:|---:|---:|---:|"]
        for lines in (0, 10):
            base = med.get(f"sqlite:1:{lines}")
            for store, nodes in (("sqlite", 1), ("postgres", 1), ("postgres", 3)):
                key = f"{store}:{nodes}:{lines}"
                values = rows.get(key, [])
                if not values:
                    continue
                rates = [r["runs_per_second"] for r in values]
                bench_cpu = statistics.median(r["bench_cpu_seconds"] / r["runs"] * 1000 for r in values)
                server_cpu = statistics.median(r.get("server_cpu_seconds", 0) / r["runs"] * 1000 for r in values) if store == "postgres" else None
                failed = sum(r["failed"] for r in values)
                out.append(f"| {'SQLite' if store == 'sqlite' else 'PostgreSQL'} | {nodes} | {lines} | "
                           f"{med[key]:,.0f} ({min(rates):,.0f}–{max(rates):,.0f}){' — %d failed' % failed if failed else ''} | "
                           f"{med[key] / base:.2f} | {bench_cpu:.3f} | {'' if server_cpu is None else f'{server_cpu:.3f}'} |")
        for lines in (0, 10):
            key = f"postgres:3:{lines}"
            if key in med:
                goals.append((f"3 nodes, {lines} log lines: ≥ 3,000 runs/s", f"{med[key]:,.0f} runs/s", med[key] >= 3000))
        out += ["",
                "CPU columns: the benchmark process's own CPU time (the schedulers, the stores' connection threads, libpq) and the "
                "CPU time of the PostgreSQL backends serving the database (`/proc/PID/stat` of each backend), per run. On 2 cores, "
                "their sum per run bounds the rate at about 2,000 / (sum in ms) runs/s.",
                "",
                "### Where the time goes (PostgreSQL, one diagnostic pass with `pg_stat_statements`)",
                "",
                "| nodes | log lines | runs/s (with statement tracking) | statements per run | transactions per run |",
                "|---:|---:|---:|---:|---:|"]
        for key, result in runs["diagnostics"].items():
            _, nodes, lines = key.split(":")
            out.append(f"| {nodes} | {lines} | {result['runs_per_second']:,.0f} | {result.get('statements_per_run', float('nan')):.1f} | "
                       f"{result.get('transactions_per_run', float('nan')):.2f} |")
        for key, result in runs["diagnostics"].items():
            _, nodes, lines = key.split(":")
            if nodes != "3":
                continue
            out += ["", f"Statements per run, {nodes} nodes, {lines} log lines (calls / runs, mean server time):", "",
                    "| per run | mean ms | statement |", "|---:|---:|---|"]
            for statement in result.get("statements", [])[:15]:
                text = statement["query"].replace("|", "\\|")
                out.append(f"| {statement['per_run']:.2f} | {statement['mean_ms']:.3f} | `{text[:110]}` |")
        out.append("")
    failover = data.get("failover")
    if failover:
        samples = failover["samples"]
        rescued = summary([s["rescued_ms"] / 1000 for s in samples])
        retried = summary([s["retry_running_ms"] / 1000 for s in samples])
        out += ["## Fail-over",
                "",
                f"Three `steward run` processes (release build) on one database, default heartbeat 1 s and lease 3 s; a job "
                f"`sleep 3600` (retries 1, retry backoff 100 ms) triggered, its owner SIGKILLed (with its child) 1–2 s after the "
                f"run started (a random point of its heartbeat cycle), then restarted; {len(samples)} times. Measured from the kill "
                "to the run's `finished_at` as the rescuing node wrote it (`crashed`, error `node lost`), and to its retry's "
                "`started_at` on a live node (database clock, this machine).",
                "",
                "| from the kill to | median s | p99 s | min s | max s |",
                "|---|---:|---:|---:|---:|",
                f"| run `crashed` (`node lost`) | {rescued['median']:.2f} | {rescued['p99']:.2f} | {rescued['min']:.2f} | {rescued['max']:.2f} |",
                f"| its retry `running` on another node | {retried['median']:.2f} | {retried['p99']:.2f} | {retried['min']:.2f} | {retried['max']:.2f} |",
                "",
                f"p99 is the nearest rank: with {len(samples)} samples it is the largest.",
                ""]
        goals.append(("fail-over (node killed → run rescued) ≤ 5 s, p99", f"{rescued['p99']:.2f} s", rescued["p99"] <= 5))
    claims = data.get("claims")
    if claims:
        samples = claims["samples"]
        elsewhere = [s for s in samples if s["node"] != "a"]
        overall = summary([s["trigger_to_running_ms"] for s in samples])
        queued = summary([s["queued_to_running_ms"] for s in samples])
        out += ["## Claim latency",
                "",
                f"The same three stewards; {len(samples)} triggers of a job `true`, one at a time 20–80 ms apart, each sent to "
                "node a as `POST /jobs/quick/trigger` over its control socket; measured from just before the request to the "
                "run's `started_at` (written by the claiming node's claim, database clock, millisecond resolution). "
                f"{len(elsewhere)} of {len(samples)} runs were claimed by another node (b or c), {len(samples) - len(elsewhere)} by "
                "a itself (its own admission rings its claim loop at once; the others hear a NOTIFY).",
                "",
                "| runs | n | trigger → running median ms | p99 ms | min | max |",
                "|---|---:|---:|---:|---:|---:|",
                f"| all | {overall['n']} | {overall['median']:.1f} | {overall['p99']:.1f} | {overall['min']:.1f} | {overall['max']:.1f} |"]
        for label, subset in (("claimed by b or c", elsewhere), ("claimed by a", [s for s in samples if s["node"] == "a"])):
            if subset:
                s = summary([x["trigger_to_running_ms"] for x in subset])
                out.append(f"| {label} | {s['n']} | {s['median']:.1f} | {s['p99']:.1f} | {s['min']:.1f} | {s['max']:.1f} |")
        out += [f"| all, queued → running (admission to claim) | {queued['n']} | {queued['median']:.1f} | {queued['p99']:.1f} | "
                f"{queued['min']:.1f} | {queued['max']:.1f} |", ""]
    if goals:
        out[5:5] = ["## Goals", "", "| goal | measured | met? |", "|---|---|---|"] + \
                   [f"| {goal} | {measured} | {'yes' if met else '**no**'} |" for goal, measured, met in goals] + [""]
    if args.analysis and os.path.exists(args.analysis):
        with open(args.analysis) as f:
            out += [f.read().rstrip(), ""]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cluster-bench", required=True)
    parser.add_argument("--steward", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--failovers", type=int)
    parser.add_argument("--claims", type=int)
    parser.add_argument("--parts", default="runs,failover,claim")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--commit", default="unknown")
    parser.add_argument("--analysis")
    parser.add_argument("--raw")
    parser.add_argument("--out", required=True)
    parser.add_argument("--from-raw", help="write the report from a raw file of an earlier run (nothing is measured)")
    args = parser.parse_args()
    if args.from_raw:
        with open(args.from_raw) as f:
            data = json.load(f)
        for key, value in data.get("args", {}).items():
            setattr(args, key, value)
        with open(args.out, "w") as f:
            f.write(render(args, data) + "\n")
        return 0
    args.runs = args.runs or (2000 if args.quick else 10000)
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.failovers = args.failovers or (4 if args.quick else 20)
    args.claims = args.claims or (40 if args.quick else 200)
    parts = set(args.parts.split(","))
    unknown = parts - {"runs", "failover", "claim"}
    if unknown:
        parser.error(f"--parts: unknown {', '.join(sorted(unknown))} (runs, failover, claim)")
    try:
        pgserver.binaries()
    except pgserver.PostgresMissing as error:
        print(f"cluster: {error}", file=sys.stderr)
        return 2
    data = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    data["postgres"] = subprocess.run([f"{pgserver.binaries()}/postgres", "--version"], capture_output=True, text=True).stdout.strip()
    if "runs" in parts:
        log("runs per second")
        data["runs"] = measure_runs(args)
    if "failover" in parts:
        log(f"fail-over ({args.failovers} kills)")
        data["failover"] = measure_failover(args)
    if "claim" in parts:
        log(f"claim latency ({args.claims} triggers)")
        data["claims"] = measure_claims(args)
    data["machine"]["load_end"] = loadavg()
    data["args"] = {key: getattr(args, key) for key in ("quick", "runs", "repeat", "concurrency", "warmup", "commit")}
    if args.raw:
        os.makedirs(os.path.dirname(os.path.abspath(args.raw)), exist_ok=True)
        with open(args.raw, "w") as f:
            json.dump(data, f, indent=1)
    with open(args.out, "w") as f:
        f.write(render(args, data) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
