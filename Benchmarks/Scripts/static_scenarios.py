"""Scenarios 9 and 10 of Benchmarks/run (issue 15): the static binary (size, libraries, idle
footprint beside tini and s6), and start -> SIGTERM cycles without a missed signal.

harness.py imports this module; it uses harness's subjects and measurements (scenario 2's
measure_idle), static_footprint.py's way of starting the static binary and sigterm_stress.py's
cycles, so each method lives in one place. See ../README.md for the methods.
"""

import os
import subprocess

import harness as h
import sigterm_stress
import static_footprint

TINI_STATIC = "/usr/bin/tini-static"  # Debian's `tini` package ships it beside /usr/bin/tini
TOOLCHAIN_LIBRARIES = ("libswift", "libFoundation", "lib_Foundation", "libdispatch", "libBlocksRuntime", "libicu")
SIZE_GOAL = 8_000_000      # bytes: "static binary size ≤ 8 MB" (MB = 10^6 bytes, as in StaticBinary.md)
RSS_GOAL = 4.0             # MB of VmRSS (2^20 bytes, as scenario 2 counts): "idle RSS, 1 child (static) ≤ 4 MB"


class StaticStewardRun(h.StewardRun):
    """`steward run` of the static binary with one child, started as static_footprint.py starts it:
    a copy written back to disk in a directory of its own, with an empty environment."""

    label = "steward run (static)"

    def __init__(self, name, n, workdir, binary):
        self.exe = static_footprint.install(binary, workdir)
        # No PATH in the empty environment: the child's command is absolute.
        super().__init__(name, n, workdir, self.exe, command=["/bin/sleep", "infinity"])

    def argv(self):
        return static_footprint.command(self.exe, self.config)


def libraries(path):
    """(the `ldd` output, the names of the libraries it lists) of path."""
    out = subprocess.run(["ldd", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout.strip()
    names = [line.split()[0] for line in out.splitlines() if "=>" in line or line.strip().startswith("/")]
    return out, [os.path.basename(n) for n in names]


def mb(size):
    return f"{size:,} bytes ({size / 1e6:.1f} MB)"


def scenario_static(cfg, root):
    if not cfg.static_steward or not os.path.exists(cfg.static_steward):
        raise RuntimeError(f"no static steward at {cfg.static_steward} (Benchmarks/run builds it with .ci/build-static --small)")
    size = os.stat(cfg.static_steward).st_size
    ldd, libs = libraries(cfg.static_steward)
    toolchain = [name for name in libs if name.startswith(TOOLCHAIN_LIBRARIES)]
    tini_size = os.stat(TINI_STATIC).st_size if os.path.exists(TINI_STATIC) else None
    tini_ldd = libraries(TINI_STATIC)[0] if tini_size else "–"
    h.log(f"  9 static: {mb(size)}, ldd: {', '.join(libs)}; tini-static {mb(tini_size) if tini_size else 'missing'}")

    names = ["steward run (static)", "steward run (dynamic release build)", "tini", "s6-svscan + s6-supervise"]
    data = {}  # name -> key -> [value per run]
    for rep in range(cfg.repeat):
        subjects = [StaticStewardRun(names[0], 1, h.scratch(root, "steward-static"), cfg.static_steward),
                    h.StewardRun(names[1], 1, h.scratch(root, "steward-run"), cfg.steward),
                    h.Tini(names[2], 1, h.scratch(root, "tini")),
                    h.S6(names[3], 1, h.scratch(root, "s6"))]
        try:
            measured = h.measure_idle(cfg, subjects)
            for s in subjects:
                row = dict(measured[id(s)])
                tree = s.tree(h.proc_table())
                row["file"] = sum(h.status_field(p, "RssFile") or 0 for p in tree) / 1024
                row["anon"] = sum(h.status_field(p, "RssAnon") or 0 for p in tree) / 1024
                for key, value in row.items():
                    data.setdefault(s.name, {}).setdefault(key, []).append(value)
            h.log(f"  9 idle #{rep + 1}: " + ", ".join(f"{n}: {data[n]['rss'][-1]:.2f} MB {data[n]['wake'][-1]:.0f}/min" for n in names))
        finally:
            for s in subjects:
                s.terminate()
            h.kill_descendants()

    ours = h.Stat(data[names[0]]["rss"])
    rows = []
    for name in names:
        d = data[name]
        t0, t1 = (sorted({t[i] for t in d["threads"]}) for i in (0, 1))
        span = lambda t: str(t[0]) if len(t) == 1 else f"{t[0]}–{t[-1]}"
        rows.append([name, h.Stat(d["rss"]).cell(), h.Stat(d["file"]).cell(), h.Stat(d["anon"]).cell(),
                     h.Stat(d["pss"]).cell(), h.Stat(d["uss"]).cell(), f"{span(t0)} → {span(t1)}",
                     h.Stat(d["wake"]).cell(), "1×" if name == names[0] else h.ratio(ours, h.Stat(d["rss"]))])
    text = [
        f"The static binary: `{cfg.static_build}` (the release build with the Swift runtime linked in, "
        "`-Osize`, full LTO, lld with packed relative relocations, `--icf=safe`, `--no-export-dynamic`; "
        "stripped, as shipped; see `Benchmarks/StaticBinary.md` for every flag).",
        "",
        h.table(["binary", "size (stripped)", "`ldd`"], [
            ["steward (static)", mb(size), (", ".join(libs) or ldd) + (f" — **toolchain: {', '.join(toolchain)}**" if toolchain else
                                                            " — nothing of the Swift toolchain")],
            ["tini-static (Debian's `tini` package)", mb(tini_size) if tini_size else "– (not installed)",
             tini_ldd.replace("\n", " ").replace("\t", "")],
        ], numeric=False),
        "",
        "Idle footprint with one `sleep infinity` child, as scenario 2 measures it and at the same time: the static "
        "binary started as `Scripts/static_footprint.py` starts it (copied into a directory of its own, written back "
        "to disk with `sync` so that dirty page-cache pages of a fresh file do not show as private memory, started "
        "with `env -i LD_LIBRARY_PATH=`), the dynamic release build as in scenario 2, tini and s6 (s6-svscan plus "
        f"its s6-supervise). After {h.fmt(cfg.settle)} s of settling, context switches over {h.fmt(cfg.idle_window)} s, "
        "then VmRSS (of it file-backed and anonymous: `RssFile`, `RssAnon` of `/proc/PID/status`), PSS and private "
        f"dirty (`smaps_rollup`) of the supervisor's own processes; MB = 2^20 bytes here. Median (min–max) over {cfg.repeat} runs.",
        "",
        h.table(["supervisor", "RSS MB", "of it file MB", "anonymous MB", "PSS MB", "private dirty MB", "threads",
                 "wake-ups / min", "RSS ratio static / this"], rows),
    ]
    tini, s6 = h.Stat(data[names[2]]["rss"]), h.Stat(data[names[3]]["rss"])
    anchor = f"tini-static {tini_size / 1e6:.2f} MB" if tini_size else "tini-static not installed"
    goals = [(f"static binary size ≤ 8 MB (anchor: {anchor})",
              f"{mb(size)} = {size / tini_size:.1f}× tini-static" if tini_size else mb(size), size <= SIZE_GOAL),
             ("idle RSS with 1 child (static binary) ≤ 4 MB (anchors: tini, s6)",
              f"{h.fmt(ours.median)} MB vs tini {h.fmt(tini.median)} MB ({h.ratio(ours, tini)}), s6 {h.fmt(s6.median)} MB "
              f"({h.ratio(ours, s6)})", ours.median <= RSS_GOAL)]
    return "\n".join(text), goals, {"size": size, "ldd": ldd, "tini_static_size": tini_size, "idle": data}


def scenario_sigterm_cycles(cfg, root):
    cycles = 50 if cfg.quick else 1000
    config = sigterm_stress.write_config(h.scratch(root, "sigterm-cycles"))
    results, rows, goals = {}, [], []
    for mode in ("exec", "run"):
        r = sigterm_stress.run_mode(cfg.steward, mode, cycles, 10.0, config)
        h.kill_descendants()  # what a killed (missed) steward left behind came to this subreaper
        results[mode] = r
        h.log(f"  10 cycles {mode}: {cycles - r['failed']}/{cycles} as expected, {r['missed']} missed, "
              f"median {h.fmt(r['median'])} ms, p99 {h.fmt(r['p99'])} ms, max {h.fmt(r['max'])} ms, {r['seconds']:.0f} s")
        for problem in r["problems"][:5]:
            h.log("    " + problem)
        rows.append([f"`steward {mode}`", f"{cycles:,}", f"{cycles - r['failed']:,}", str(r["missed"]),
                     str(r["failed"] - r["missed"]), h.fmt(r["median"]), h.fmt(r["p99"]), h.fmt(r["max"]), f"{r['seconds']:.1f}"])
        goals.append((f"start → SIGTERM cycles without a missed signal (steward {mode}): 1,000 / 1,000"
                      + (f" (quick: {cycles})" if cycles != 1000 else ""),
                      f"{cycles - r['failed']:,} / {cycles:,} ({r['missed']} missed, {r['failed'] - r['missed']} wrong)",
                      r["failed"] == 0))
    text = [
        f"`Scripts/sigterm_stress.py`'s cycles, {cycles:,} per mode, against the release build: each cycle starts "
        "`steward exec -- sleep 600` (expected exit 143: the child dies of the forwarded SIGTERM) or `steward run` "
        "with one `sleep 600` process (expected exit 0), waits until steward has a child, sends SIGTERM and waits "
        "for the exit on a pidfd, at most 10 s. missed = no exit within 10 s (steward is then killed); wrong = "
        "another exit code, or no child started. SIGTERM → exit over all cycles of the mode, ms. No anchor.",
        "",
        h.table(["mode", "cycles", "as expected", "missed", "wrong", "median, ms", "p99, ms", "max, ms", "took, s"], rows),
    ]
    for mode, r in results.items():
        if r["problems"]:
            text += ["", f"First failed cycles of `steward {mode}`: " + "; ".join(r["problems"][:10])]
    return "\n".join(text), goals, {m: {k: v for k, v in r.items()} for m, r in results.items()}
