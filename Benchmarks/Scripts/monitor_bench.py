#!/usr/bin/env python3
"""The monitor's figures (issue 13): the runs list and run detail with 1,000,000 runs in a journal,
the page's weight, and its time to first render. Writes Benchmarks/MONITOR.md.

    python3 Benchmarks/Scripts/monitor_bench.py [--steward PATH] [--runs N] [--requests K] [--out FILE]

1. Makes a journal with the schema of this steward (a short `steward run` of a config with one
   job creates it), then fills it with N runs (default 1,000,000) in one transaction: 20 jobs,
   90 % succeeded, 7 % failed, 1 % each crashed, timedOut, stopped; ten log lines per run for
   the newest 1,000.
2. Serves it with `steward ui --journal FILE --listen 127.0.0.1:0` and sends K requests
   (default 500) per scenario over one keep-alive connection, one at a time, timing each from
   the request's first byte to the response's last (Python's http.client).
3. Weighs everything the page loads (the HTML, its style sheet and every JavaScript module), and loads the page in headless chromium five times
   (first contentful paint, and until the first view is drawn), when selenium is installed."""
import argparse
import gzip
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def make_journal(steward, directory, count):
    path = os.path.join(directory, "journal.sqlite")
    config = os.path.join(directory, "steward.json5")
    with open(config, "w") as f:
        f.write('{ journal: { path: "%s" }, control: { socket: "%s/control.sock" }, processes: {}, '
                'jobs: { j: { command: ["true"] } } }' % (path, directory))
    run = subprocess.Popen([steward, "run", config], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 30
    while time.time() < deadline and not os.path.exists(path):
        time.sleep(0.05)
    time.sleep(0.5)
    run.send_signal(signal.SIGTERM)
    run.wait(timeout=30)
    if not os.path.exists(path):
        sys.exit("no journal was created: " + (run.stdout.read() if run.stdout else ""))
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous = OFF")
    rng = random.Random(13)
    start = 1_780_000_000_000
    states = ["succeeded"] * 90 + ["failed"] * 7 + ["crashed", "timedOut", "stopped"]
    rows = []
    ids = []
    for index in range(count):
        run_id = "%08x-%04x-4%03x-8%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(12), rng.getrandbits(48))
        state = rng.choice(states)
        created = start + index * 1000
        rows.append((run_id, "job-%02d" % (index % 20), state, "schedule", created, created, "UTC", created + 5, created + 900,
                     1.0 if state == "succeeded" else 0.5, "step 4 of 4", 0 if state == "succeeded" else 1,
                     None if state == "succeeded" else "exited 1", "null", 1))
        if len(rows) == 50_000:
            insert(db, rows)
            rows = []
        ids.append((run_id, state, "job-%02d" % (index % 20)))
    if rows:
        insert(db, rows)
    newest = db.execute("SELECT id FROM runs ORDER BY id DESC LIMIT 1000").fetchall()
    db.executemany("INSERT INTO run_log (run, line, time, level, source, text) VALUES (?, ?, ?, 'info', 'stdout', ?)",
                   [(rid, line, start, "log line %d of the run" % line) for (rid,) in newest for line in range(10)])
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()
    return path, ids


def insert(db, rows):
    db.executemany("""INSERT INTO runs (run_id, job_id, state, trigger, created_at, scheduled_for, zone, started_at, finished_at,
                      progress_fraction, progress_message, exit_code, error, input, attempt)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)
    db.commit()


def serve(steward, journal):
    ui = subprocess.Popen([steward, "ui", "--journal", journal, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = ui.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/ui/", line)
    if not match:
        ui.kill()
        sys.exit("steward ui did not start: " + line + ui.stdout.read())
    return ui, int(match.group(1))


def measure(port, paths, check):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for path in paths:
        began = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        times.append((time.perf_counter() - began) * 1000)
        if response.status != 200:
            sys.exit("%s: HTTP %d %s" % (path, response.status, body[:200]))
        check(path, body, response)
    connection.close()
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return {"n": len(times), "p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "max": times[-1]}


def page_figures(port):
    # Everything the page loads: the HTML, what it links, and the modules app.js imports, recursively.
    weights = []
    pending, seen = ["/ui/"], set()
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        seen.add(path)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path)
        body = connection.getresponse().read()
        weights.append((path, len(body), len(gzip.compress(body, 9))))
        text = body.decode()
        pending += ["/ui/" + name for name in re.findall(r'(?:src|href)="([\w.-]+\.(?:js|css))"', text)]
        pending += ["/ui/" + name for name in re.findall(r"from '\./([\w.-]+\.js)'", text)]
    render = None
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]:
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
        paints, drawn = [], []
        try:
            for _ in range(5):
                driver.get("about:blank")
                driver.get("http://127.0.0.1:%d/ui/#/runs" % port)
                deadline = time.time() + 20
                while time.time() < deadline and not driver.execute_script("return !!document.querySelector('table.runs tr[data-run]')"):
                    time.sleep(0.005)
                figures = driver.execute_script("""
                    const paint = performance.getEntriesByName('first-contentful-paint')[0];
                    return [paint ? paint.startTime : null, performance.now()];""")
                paints.append(figures[0])
                drawn.append(figures[1])
        finally:
            driver.quit()
        render = {"fcp": statistics.median(p for p in paints if p is not None), "drawn": statistics.median(drawn)}
    except ImportError:
        pass
    return weights, render


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steward", default=os.path.join(ROOT, ".build", "release", "steward"))
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--out", default=os.path.join(ROOT, "Benchmarks", "MONITOR.md"))
    arguments = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="steward-monitor-bench-")
    try:
        began = time.time()
        journal, ids = make_journal(arguments.steward, directory, arguments.runs)
        filled = time.time() - began
        size = os.path.getsize(journal)
        ui, port = serve(arguments.steward, journal)
        try:
            rng = random.Random(7)
            k = arguments.requests
            failed = [r for r in ids if r[1] == "failed"]
            job7_failed = [r for r in failed if r[2] == "job-07"]

            def listing(path, body, response):
                runs = json.loads(body)
                if not runs or (len(runs) < 50 and "X-Next-Before" in response.headers):
                    sys.exit("%s: expected runs, and a next cursor with a full page; got %d runs" % (path, len(runs)))

            def detail(path, body, response):
                if json.loads(body)["runId"] not in path:
                    sys.exit(path + ": another run")

            def facets(path, body, response):
                if not json.loads(body):
                    sys.exit(path + ": no counts")

            pick = lambda rows: rows[rng.randrange(len(rows) // 100, len(rows))][0]
            scenarios = [
                ("/runs?limit=50 (newest page)", ["/runs?limit=50"] * k, listing),
                ("/runs?limit=50&before=RANDOM (any page)", ["/runs?limit=50&before=" + pick(ids) for _ in range(k)], listing),
                ("/runs?state=failed&limit=50", ["/runs?state=failed&limit=50"] * k, listing),
                ("/runs?state=failed&limit=50&before=RANDOM", ["/runs?state=failed&limit=50&before=" + pick(failed) for _ in range(k)], listing),
                ("/runs?job=job-07&limit=50", ["/runs?job=job-07&limit=50"] * k, listing),
                ("/runs?job=job-07&state=failed&limit=50&before=RANDOM",
                 ["/runs?job=job-07&state=failed&limit=50&before=" + pick(job7_failed) for _ in range(k)], listing),
                ("/runs?state=crashed,timedOut&limit=50 (two states)", ["/runs?state=crashed,timedOut&limit=50"] * k, listing),
                ("/runs/ID (run detail, random run)", ["/runs/" + ids[rng.randrange(len(ids))][0] for _ in range(k)], detail),
                ("/runs/facets (counts per state, all runs)", ["/runs/facets"] * max(20, k // 10), facets),
                ("/runs/facets?job=job-07", ["/runs/facets?job=job-07"] * max(20, k // 10), facets),
            ]
            results = [(name, measure(port, paths, check)) for name, paths, check in scenarios]
            weights, render = page_figures(port)
        finally:
            ui.send_signal(signal.SIGTERM)
            ui.wait(timeout=10)
    finally:
        shutil.rmtree(directory, ignore_errors=True)

    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    lines = [
        "# The monitor's figures",
        "",
        "Written by `Benchmarks/Scripts/monitor_bench.py` — do not edit by hand. Goals (issue 13): runs list and run",
        "detail p99 < 50 ms with 1,000,000 runs in the journal; page weight (HTML + CSS + JS, uncompressed) under 100 kB.",
        "",
        "- date: %s UTC; steward commit %s (`%s`)" % (time.strftime("%Y-%m-%d %H:%M", time.gmtime()), commit, os.path.relpath(arguments.steward, ROOT)),
        "- machine: %d cores, %s, load average at the end %.2f %.2f %.2f (shared machine: expect noise)" % (os.cpu_count(), platform.platform(), *load),
        "- journal: %s runs (20 jobs; 90 %% succeeded, 7 %% failed, 1 %% each crashed, timedOut, stopped), %.0f MB, filled in %.0f s" % (
            format(arguments.runs, ","), size / 1e6, filled),
        "- served by `steward ui --journal FILE` (the same `RunPaging` code and SQL as `steward run`'s /runs); %d requests per" % arguments.requests,
        "  list/detail scenario (facets: a tenth), one keep-alive connection, one request at a time, timed by the client",
        "",
        "| request | n | p50 ms | p95 ms | p99 ms | max ms | p99 < 50 ms? |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results:
        goal = "—" if "facets" in name else ("yes" if r["p99"] < 50 else "**no**")
        lines.append("| `%s` | %d | %.2f | %.2f | %.2f | %.2f | %s |" % (name, r["n"], r["p50"], r["p95"], r["p99"], r["max"], goal))
    total = sum(w[1] for w in weights)
    lines += ["", "Page weight (the files as served, uncompressed; gzip -9 for reference; nothing else is loaded):", "",
              "| file | bytes | gzip bytes |", "|---|---|---|"]
    lines += ["| `%s` | %s | %s |" % (path, format(n, ","), format(z, ",")) for path, n, z in weights]
    lines += ["| **total** | **%s** (%s under 100 kB) | %s |" % (format(total, ","), "yes," if total < 100_000 else "**not**",
                                                              format(sum(w[2] for w in weights), ","))]
    if render:
        lines += ["", "Time to first render in headless chromium on this machine (median of 5 loads of `/ui/#/runs`, the %s-run" % format(arguments.runs, ","),
                  "journal): first contentful paint %.0f ms; the runs table drawn (its data fetched) %.0f ms after navigation began." % (
                      render["fcp"], render["drawn"])]
    lines += ["", "Facets read `run_counts` (a count per job and state that triggers keep exact), so they cost the same at any size;",
              "with a time filter (`since=`) or in a journal of the older schema they count the matching runs instead (no",
              "index on `created_at`), which is not measured here."]
    lines += ["", "Idle cost: with no page open the monitor adds no work to steward — its files are constants in the binary, and",
              "`/events`' numbered log (`ControlEventLog`) subscribes to the lifecycle and the jobs only when the first client",
              "connects; it has no timer. A page without `/events` refreshes at most every 5 s, and never more than once a second.", ""]
    with open(arguments.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
