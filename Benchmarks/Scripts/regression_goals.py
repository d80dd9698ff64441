"""Issue 15's "nothing that meets its goal today may regress": goal rows for scenarios 5 to 8, from
the figures each scenario returns, judged against the figures the issue quotes (hard-coded here, as
the issue states them). Spawn → running (scenario 4) keeps its own goal row (≤ 1.5× raw
posix_spawn, which the issue's 1.18× meets). harness.py adds rows(number, data, cfg) to the goals
table after each scenario.
"""

import statistics

import harness as h

# Issue 15, from Benchmarks/RESULTS.md at commit 9222676 (2026-11-22).
READYZ_RPS = 67_700      # `/readyz` under wrk load, requests/s (scenario 6)
READYZ_P99_MS = 1.54     # its p99 latency, ms
CRON_P99_MS = 3.56       # cron fire jitter, p99, ms (scenario 7)
# The issue names journal throughput without a figure: these are the medians of the previous full
# run, Benchmarks/RESULTS.md of commit a88ce71 (measured at 9222676, 2026-11-22, 10,000 runs per
# measurement), SQLite journal, runs/s by log lines per run.
JOURNAL_RUNS_PER_SECOND = {0: 9_073, 10: 6_316, 100: 2_481}
# The in-memory store of the same run (scenario 8's anchor), shown beside them: a slower machine or
# a busier one lowers both, a slower journal only its own figure.
MEMORY_RUNS_PER_SECOND = {0: 54_106, 10: 41_156, 100: 18_000}


def reap(data, cfg):
    ours, tini = h.Stat(data.get("steward run", [])), h.Stat(data.get("tini -s", []))
    if ours.median is None or tini.median is None:
        return []
    return [(f"reaping {cfg.orphans:,} orphans not slower than tini -s (steward run; issue 15: 0.98×)",
             f"{h.fmt(ours.median)} ms vs {h.fmt(tini.median)} ms = {h.ratio(ours, tini)} (goal ≤ 1×)",
             ours.median <= tini.median)]


def probe(reps, cfg):
    rps = h.Stat([r["rps"] for r in reps])
    p99 = h.Stat([r["p99"] for r in reps])
    if rps.median is None or p99.median is None:
        return []
    return [(f"`/readyz` under wrk load ≥ {READYZ_RPS:,} req/s and p99 ≤ {READYZ_P99_MS} ms (absolute figures of "
             "this machine, no anchor)",
             f"{h.fmt(rps.median)} req/s, p99 {h.fmt(p99.median)} ms",
             rps.median >= READYZ_RPS and p99.median <= READYZ_P99_MS)]


def cron(data, cfg):
    late = data["late_ms"]
    if not late:
        return []
    p99 = h.percentile(late, 99)
    return [(f"cron fire jitter p99 ≤ {CRON_P99_MS} ms", f"{h.fmt(p99)} ms over {len(late):,} fires", p99 <= CRON_P99_MS)]


def journal(data, cfg):
    measured, met = [], True
    for lines, before in JOURNAL_RUNS_PER_SECOND.items():
        values = [r["runs_per_second"] for r in data.get(f"sqlite|{lines}", [])]
        memory = [r["runs_per_second"] for r in data.get(f"memory|{lines}", [])]
        if not values or not memory:
            return []
        median = statistics.median(values)
        measured.append(f"{lines} lines: {h.fmt(median)} (was {before:,}; in memory {h.fmt(statistics.median(memory))}, "
                        f"was {MEMORY_RUNS_PER_SECOND[lines]:,})")
        met = met and median >= before
    return [("journal throughput (runs/s, SQLite journal) not below the previous full run's (RESULTS.md at 9222676)"
             + (" — quick mode runs 2,000 runs, not 10,000" if cfg.quick else ""), "; ".join(measured), met)]


BY_SCENARIO = {5: reap, 6: probe, 7: cron, 8: journal}


def rows(number, data, cfg):
    """The goal rows of scenario number (none for other scenarios, or when it measured nothing)."""
    fn = BY_SCENARIO.get(number)
    return fn(data, cfg) if fn and data is not None else []
