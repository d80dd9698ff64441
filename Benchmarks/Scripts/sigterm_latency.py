#!/usr/bin/env python3
"""SIGTERM -> exit with one child: steward run, steward exec and tini, interleaved.

    python3 Benchmarks/Scripts/sigterm_latency.py STEWARD [--baseline OLD_STEWARD] [--repeat N] [--settle S]

As Benchmarks/run's scenario 3 with n = 1: start the supervisor with one `sleep infinity` child
(`steward run` with a control socket and a journal of its own; `steward exec --`; `tini -s --`),
wait until the child runs, settle, send SIGTERM and time until the supervisor has exited (a pidfd
turns readable). The subjects take turns, so load from elsewhere hits them alike. Prints each
subject's median and p90 in ms and its ratio to tini's median.
"""
import argparse, os, select, signal, statistics, subprocess, sys, tempfile, time

from harness import one_child_config, spawn_until_child  # the helpers of Benchmarks/run, beside this script




def once(command, cwd, settle):
    proc, problem = spawn_until_child(command, cwd=cwd, env={"PATH": "/usr/bin:/bin"})
    if problem:
        sys.exit(f"sigterm_latency: {command} did not start its child: {problem}")
    time.sleep(settle)
    pidfd = os.pidfd_open(proc.pid)
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    t0 = time.monotonic_ns()
    proc.send_signal(signal.SIGTERM)
    ready = poller.poll(30_000)
    t1 = time.monotonic_ns()
    os.close(pidfd)
    if not ready:
        proc.kill()
    proc.wait()
    return (t1 - t0) / 1e6 if ready else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("steward")
    parser.add_argument("--baseline", help="another steward binary to compare (e.g. before a change)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--settle", type=float, default=0.5)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="steward-sigterm.")
    config = one_child_config(work)
    subjects = [("steward run", [args.steward, "run", config]),
                ("steward exec", [args.steward, "exec", "--", "/bin/sleep", "infinity"])]
    if args.baseline:
        subjects += [("baseline run", [args.baseline, "run", config]),
                     ("baseline exec", [args.baseline, "exec", "--", "/bin/sleep", "infinity"])]
    subjects.append(("tini", ["tini", "-s", "--", "/bin/sleep", "infinity"]))
    times = {name: [] for name, _ in subjects}
    for _ in range(args.repeat):
        for name, command in subjects:
            elapsed = once(command, work, args.settle)
            if elapsed is not None:
                times[name].append(elapsed)
    tini = statistics.median(times["tini"])
    for name, _ in subjects:
        values = sorted(times[name])
        median = statistics.median(values)
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        print(f"{name}: median {median:.2f} ms, p90 {p90:.2f} ms ({len(values)} runs) = {median / tini:.1f}x tini")


if __name__ == "__main__":
    main()
