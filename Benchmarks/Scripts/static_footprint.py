#!/usr/bin/env python3
"""Idle footprint of one `steward run` with one `sleep infinity` child, as Benchmarks/run's idle
scenario configures it (a control socket and a journal of its own, no HTTP, no jobs).

    python3 Benchmarks/Scripts/static_footprint.py STEWARD [--settle S] [--window S] [--repeat N]

Starts the binary from an empty temporary directory with `env -i` (nothing of the toolchain on any
path), waits until the child runs, lets it settle, then reads /proc: VmRSS, and from smaps_rollup
Pss and Private_Dirty, of steward itself (VmRSS split into RssFile and RssAnon) (the child is not counted), its thread count, and the
context switches of all its threads over the window (its wake-ups). The copy is synced to disk
before the start (see the comment in install()). Prints one line per repeat and
the medians. Results: Benchmarks/StaticBinary.md. Benchmarks/run's scenario 9 starts the binary the
same way, with install() and command() (Scripts/static_scenarios.py).
"""
import argparse, os, shutil, signal, statistics, subprocess, sys, tempfile, time

from harness import one_child_config, spawn_until_child  # the helpers of Benchmarks/run, beside this script


def kb(path, field):
    with open(path) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def switches(pid):
    """Context switches per thread id (a thread that ends is lost; one born later counts whole)."""
    counts = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            path = f"/proc/{pid}/task/{tid}/status"
            counts[tid] = kb(path, "voluntary_ctxt_switches") + kb(path, "nonvoluntary_ctxt_switches")
        except FileNotFoundError:
            pass
    return counts




def install(binary, work):
    """Copies binary into directory work as `steward`, written back to disk; the copy's path."""
    exe = os.path.join(work, "steward")
    shutil.copy(binary, exe)
    # Write the copy back first: pages of a file still dirty in the page cache count as
    # Private_Dirty in smaps once mapped, which would show the whole text as private memory.
    os.sync()
    return exe


def command(exe, config):
    """`steward run config` with an empty environment (nothing of the toolchain on any path);
    env execs steward, so the pid started is steward's."""
    return ["env", "-i", "LD_LIBRARY_PATH=", exe, "run", config]


def once(binary, settle, window):
    work = tempfile.mkdtemp(prefix="steward-footprint.")
    try:
        exe = install(binary, work)
        config = one_child_config(work)
        proc, problem = spawn_until_child(command(exe, config), cwd=work, interval=0.05)
        if problem:
            sys.exit(f"static_footprint: steward did not start its child: {problem}")
        time.sleep(settle)
        s0 = switches(proc.pid)
        time.sleep(window)
        s1 = switches(proc.pid)
        status = f"/proc/{proc.pid}/status"
        rollup = f"/proc/{proc.pid}/smaps_rollup"
        row = {
            "rss": kb(status, "VmRSS") / 1024,
            "file": kb(status, "RssFile") / 1024,
            "anon": kb(status, "RssAnon") / 1024,
            "pss": kb(rollup, "Pss") / 1024,
            "dirty": kb(rollup, "Private_Dirty") / 1024,
            "threads": kb(status, "Threads"),
            "wake_per_min": sum(v - s0.get(t, 0) for t, v in s1.items()) * 60 / window,
        }
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        if code != 0:
            sys.exit(f"static_footprint: steward exited {code} after SIGTERM")
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("steward")
    ap.add_argument("--settle", type=float, default=3)
    ap.add_argument("--window", type=float, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for i in range(args.repeat):
        r = once(os.path.abspath(args.steward), args.settle, args.window)
        rows.append(r)
        print(f"#{i + 1}: VmRSS {r['rss']:.2f} MB (file {r['file']:.2f}, anon {r['anon']:.2f}), Pss {r['pss']:.2f} MB, Private_Dirty {r['dirty']:.2f} MB, "
              f"{r['threads']} threads, {r['wake_per_min']:.0f} wake-ups/min")
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    print(f"median of {args.repeat}: VmRSS {med['rss']:.2f} MB (file {med['file']:.2f}, anon {med['anon']:.2f}), Pss {med['pss']:.2f} MB, "
          f"Private_Dirty {med['dirty']:.2f} MB, {med['threads']:.0f} threads, {med['wake_per_min']:.0f} wake-ups/min")


if __name__ == "__main__":
    main()
