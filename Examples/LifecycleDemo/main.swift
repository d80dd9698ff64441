// A small application built on StewardCore. It shows ordered startup, health gating and
// reverse-order shutdown, and exits 0 on Ctrl-C / SIGTERM.
//
//   swift run lifecycle-demo --config Config/demo.env     # run (Ctrl-C to stop)
//   swift run lifecycle-demo --help                       # every config field
//
// Startup: config (priority 0) → database (0) → worker (1, health "worker") → web (2, health "web")
// → jobs (3: a scheduler running a job defined in code, on cron and on demand, its runs kept in
// the SQLite journal at $DEMO_JOURNAL, default /tmp/lifecycle-demo/journal.sqlite, which
// `steward runs --journal FILE` reads too).
// Shutdown: jobs → web → worker → finalize database, config.
import StewardCore
import StewardJobs
import StewardJournal
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to standard error.
func logError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}

let arguments = CommandLine.arguments
var configFiles: [String] = []
if let flag = arguments.firstIndex(of: "--config") {
    guard flag + 1 < arguments.count else {
        logError("lifecycle-demo: --config needs a file path (e.g. --config Config/demo.env)")
        exit(64)
    }
    configFiles.append(arguments[flag + 1])
}

let logger = Logger.fromEnvironment(label: "demo", prefix: "DEMO", environment: ProcessInfo.processInfo.environment).logger
var builder = LifecycleBuilder()
builder.addConfig(DemoConfig.self, prefix: "DEMO", key: .config, files: configFiles)
builder.add(ConfigAnnouncer(), name: "config", options: .init(priority: 0))
builder.add(FakeDatabase(), name: "database", options: .init(priority: 0, initTimeout: .seconds(5), finalizeTimeout: .seconds(2)))
builder.add(Worker(), name: "worker", options: .init(priority: 1, healthKeys: ["worker"], startupTimeout: .seconds(10),
                                                     restart: .onFailure))
builder.add(WebServer(), name: "web", options: .init(priority: 2, healthKeys: ["web"], startupTimeout: .seconds(10),
                                                     stopTimeout: .seconds(3), shutdownTimeout: .seconds(3)))

let journalPath = ProcessInfo.processInfo.environment["DEMO_JOURNAL"] ?? "/tmp/lifecycle-demo/journal.sqlite"
let journal = SQLiteRunStore(path: journalPath, logger: logger.with(["component": "journal"]))
let scheduler = JobScheduler(store: journal, options: JobSchedulerOptions(logger: logger.with(["component": "jobs"])))
do {
    try await scheduler.define(DemoJobs.definition(zone: .current))
    // The journal's own housekeeping, as a job: every hour, the default retention.
    try await scheduler.define(.journalRetention(journal, schedule: try IntervalSchedule(every: .seconds(3600), anchor: .now)))
} catch {
    logError("lifecycle-demo: \(error)")
    exit(1)
}
builder.add(scheduler, name: "jobs", options: .init(priority: 3))

let lifecycle: Lifecycle
do {
    lifecycle = try builder.build(options: LifecycleOptions(logger: logger))
} catch {
    logError("lifecycle-demo: \(error)")
    exit(1)
}

// Print each component's phase transitions as they happen (the runner itself logs the
// milestones: group starting/ready, ready, shutdown, finished).
let events = lifecycle.events()
let printer = Task {
    for await event in events where event.component != nil && event.outcome != .started {
        let milliseconds = event.time.components.seconds * 1000 + event.time.components.attoseconds / 1_000_000_000_000_000
        logger.info("\(event)", metadata: ["t_ms": "\(milliseconds)"])
    }
}

if arguments.contains("--help") || arguments.contains("-h") {
    print("usage: lifecycle-demo [--config FILE.env]\n\n" + lifecycle.helpText)
    exit(0)
}
// Once everything is up: one run on demand, then every finished run (scheduled ones too) is read
// back through the library API and logged with its progress and log lines.
let jobWatcher = Task {
    for await event in lifecycle.events() where event.milestone == .ready {
        let manual = try await scheduler.trigger(DemoJobs.compaction, requestedBy: "demo startup")
        await DemoJobs.describe(manual, in: scheduler, logger: logger)
        var seen: Set<RunID> = [manual]
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            for run in try await scheduler.runs(RunQuery(jobId: DemoJobs.compaction, limit: 5))
            where run.state.isFinal && seen.insert(run.runId).inserted {
                await DemoJobs.describe(run.runId, in: scheduler, logger: logger)
            }
        }
    }
}
let report = await lifecycle.run()
jobWatcher.cancel()
await journal.close()  // every run's final record is written; checkpoint the WAL into the file
await printer.value  // the event stream ends when run() returns; print the last events first
if !report.isClean { logError("\(report)") }
exit(report.exitCode)
