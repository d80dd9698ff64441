#!/usr/bin/env python3
"""Idle wake-ups of `steward run` and `steward exec`, per thread.

    python3 Benchmarks/Scripts/idle_wakeups.py STEWARD [--settle S] [--window S] [--mode run|exec|both]

`run` is Benchmarks/run's idle scenario (one `sleep infinity` child, a control socket and a journal
of its own, no HTTP, no jobs); `exec` is `steward exec -- sleep infinity`. Each starts from an
empty temporary directory, waits until the child runs, lets it settle, then counts the context
switches (voluntary + nonvoluntary, /proc/PID/task/*/status) of every steward thread over the
window, as Benchmarks/Scripts/static_footprint.py does. Prints wake-ups per minute in all and per
thread (name from /proc/PID/task/TID/comm), and the thread count. Then SIGTERM, and the exit code.
"""
import argparse, os, signal, subprocess, sys, tempfile, time

from harness import one_child_config, spawn_until_child  # the helpers of Benchmarks/run, beside this script


def field(path, name):
    with open(path) as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def threads(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            status = f"/proc/{pid}/task/{tid}/status"
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            out[tid] = (name, field(status, "voluntary_ctxt_switches") + field(status, "nonvoluntary_ctxt_switches"))
        except FileNotFoundError:
            pass
    return out




def measure(mode, binary, settle, window):
    work = tempfile.mkdtemp(prefix="steward-wakeups.")
    if mode == "run":
        config = one_child_config(work)
        command = [binary, "run", config]
    else:
        command = [binary, "exec", "--", "/bin/sleep", "infinity"]
    proc, problem = spawn_until_child(command, cwd=work, env={"PATH": "/usr/bin:/bin"}, interval=0.05)
    if problem:
        sys.exit(f"idle_wakeups: steward {mode} did not start its child: {problem}")
    time.sleep(settle)
    before = threads(proc.pid)
    time.sleep(window)
    after = threads(proc.pid)
    per_thread = {}
    for tid, (name, count) in after.items():
        per_thread[f"{name}[{tid}]"] = (count - before.get(tid, (name, 0))[1]) * 60 / window
    total = sum(per_thread.values())
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=30)
    detail = ", ".join(f"{k} {v:.0f}" for k, v in sorted(per_thread.items()))
    print(f"{mode}: {total:.0f} wake-ups/min, {len(after)} threads ({detail}); exit {code} after SIGTERM")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("steward")
    parser.add_argument("--settle", type=float, default=3)
    parser.add_argument("--window", type=float, default=30)
    parser.add_argument("--mode", choices=["run", "exec", "both"], default="both")
    args = parser.parse_args()
    for mode in (["run", "exec"] if args.mode == "both" else [args.mode]):
        measure(mode, os.path.abspath(args.steward), args.settle, args.window)


if __name__ == "__main__":
    main()
