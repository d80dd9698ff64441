#!/usr/bin/env python3
"""Start -> SIGTERM cycles of the real steward binary, none may be missed.

    python3 Benchmarks/Scripts/sigterm_stress.py STEWARD [--cycles N] [--deadline S] [--mode exec|run|both]

Each cycle starts `steward exec -- sleep 600` (expected exit 143: the child dies of the forwarded
SIGTERM) or `steward run CONFIG` with one `sleep 600` process (expected exit 0: a clean
shutdown), waits until steward has a child, sends SIGTERM and waits at most DEADLINE seconds for
the exit. A cycle that does not exit in time is a missed signal (steward is then killed); one that
exits with another code is wrong. Prints the counts and the SIGTERM -> exit times (median, p99,
max) per mode; exits 1 if any cycle failed. The suite runs 50 cycles of each
(Tests/StewardSupervisorTests/Faults/SignalStressTests.swift); this is the 1,000-cycle version.
Benchmarks/run's scenario 10 calls run_mode() (Scripts/static_scenarios.py).
"""
import argparse, os, select, signal, statistics, subprocess, sys, tempfile, time

from harness import spawn_until_child  # the helpers of Benchmarks/run, beside this script




def cycle(command, expected, deadline):
    proc, problem = spawn_until_child(command, env={"PATH": "/usr/bin:/bin"}, interval=0.002)
    if problem:
        return problem, None
    # A pidfd turns readable the moment the process exits (Popen.wait polls with growing sleeps).
    pidfd = os.pidfd_open(proc.pid)
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        if not poller.poll(deadline * 1000):
            proc.kill(); proc.wait()
            return "missed: no exit within %.0f s" % deadline, None
        elapsed = (time.monotonic() - sent) * 1000
    finally:
        os.close(pidfd)
    code = proc.wait()
    if code != expected:
        return "exit %s, expected %s" % (code, expected), elapsed
    return None, elapsed


def write_config(work):
    """The `steward run` config of the run mode (one `sleep 600` process) in directory work; its path."""
    config = os.path.join(work, "steward.json5")
    with open(config, "w") as f:
        f.write('{ processes: { worker: { command: ["sleep", "600"] } } }\n')
    return config


def run_mode(steward, mode, cycles, deadline, config):
    """cycles start -> SIGTERM cycles of mode ("exec" or "run"; run uses config). A dict: the cycles,
    failed, missed (no exit within deadline), problems ("cycle N: ..."), the SIGTERM -> exit times
    in ms (sorted), their median, p99 and max, and the seconds the cycles took."""
    command = [steward, "exec", "--", "sleep", "600"] if mode == "exec" else [steward, "run", config]
    expected = 143 if mode == "exec" else 0
    times, problems, missed = [], [], 0
    started = time.monotonic()
    for n in range(1, cycles + 1):
        problem, elapsed = cycle(command, expected, deadline)
        if elapsed is not None:
            times.append(elapsed)
        if problem:
            problems.append("cycle %d: %s" % (n, problem))
            missed += problem.startswith("missed")
    times.sort()
    nan = float("nan")
    return {"mode": mode, "cycles": cycles, "failed": len(problems), "missed": missed, "problems": problems,
            "times_ms": times, "median": statistics.median(times) if times else nan,
            "p99": times[min(len(times) - 1, int(len(times) * 0.99))] if times else nan,
            "max": times[-1] if times else nan, "seconds": time.monotonic() - started}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("steward")
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--deadline", type=float, default=10.0)
    parser.add_argument("--mode", choices=["exec", "run", "both"], default="both")
    args = parser.parse_args()
    config = write_config(tempfile.mkdtemp(prefix="steward-stress."))
    modes = ["exec", "run"] if args.mode == "both" else [args.mode]
    failed = 0
    for mode in modes:
        r = run_mode(args.steward, mode, args.cycles, args.deadline, config)
        failed += r["failed"]
        print("%s: %d/%d cycles exited as expected (%d failed) in %.0f s; SIGTERM -> exit ms: median %.2f, p99 %.2f, max %.2f"
              % (mode, r["cycles"] - r["failed"], r["cycles"], r["failed"], r["seconds"], r["median"], r["p99"], r["max"]))
        for problem in r["problems"][:20]:
            print("  " + problem)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
