// journal-bench: how many job runs a second steward's scheduler records, with their logs, in the
// SQLite journal (or, for the ratio, in the in-memory store), and how large the file grows.
//
//   journal-bench --store sqlite|memory [--runs N] [--lines L] [--concurrency C] [--path FILE]
//
// Each run is triggered through JobScheduler.trigger (its queued record durable on return), is
// claimed (durable before it executes), writes L log lines of about 60 bytes and one progress
// value, and is finished (durable). C tasks trigger runs at once (default 32), so the journal's
// writer can group their commits. Prints one JSON object.
import Foundation
import StewardCore
import StewardJobs
import StewardJournal

struct Options {
    var store = "sqlite"
    var runs = 10_000
    var lines = 10
    var concurrency = 32
    var path: String?
}

func parse() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let argument = arguments.next() {
        switch argument {
        case "--store": options.store = arguments.next() ?? options.store
        case "--runs": options.runs = Int(arguments.next() ?? "") ?? options.runs
        case "--lines": options.lines = Int(arguments.next() ?? "") ?? options.lines
        case "--concurrency": options.concurrency = Int(arguments.next() ?? "") ?? options.concurrency
        case "--path": options.path = arguments.next()
        default:
            FileHandle.standardError.write(Data("journal-bench: unknown argument \(argument)\n".utf8))
            exit(64)
        }
    }
    return options
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
}

let options = parse()
let directory = NSTemporaryDirectory() + "journal-bench-\(getpid())"
try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
let path = options.path ?? directory + "/journal.sqlite"
let quiet = Logger(label: "bench", sink: MemoryLogSink(capacity: 10))
let journal: SQLiteRunStore? = options.store == "sqlite" ? SQLiteRunStore(path: path, logger: quiet) : nil
let store: any RunStore = journal ?? InMemoryRunStore(maximumEndedRunsPerJob: options.runs)
let scheduler = JobScheduler(store: store, options: JobSchedulerOptions(logger: quiet))
let lines = options.lines
try await scheduler.define(JobDefinition(id: "work", overlap: .allow) { context in
    for n in 0..<lines { context.log("line \(n) of run \(context.runId.rawValue.prefix(8)): some output [ok]") }
    context.reportProgress("done", fraction: 1)
    return .null
})
await scheduler.start()

let started = ContinuousClock.now
let failures = await withTaskGroup(of: Int.self) { group in
    let share = options.runs / options.concurrency
    let extra = options.runs % options.concurrency
    for worker in 0..<options.concurrency {
        let count = share + (worker < extra ? 1 : 0)
        group.addTask {
            var failed = 0
            for _ in 0..<count {
                guard let runId = try? await scheduler.trigger("work"),
                      await scheduler.waitForCompletion(of: runId)?.state == .succeeded else {
                    failed += 1
                    continue
                }
            }
            return failed
        }
    }
    var total = 0
    for await failed in group { total += failed }
    return total
}
let elapsed = ContinuousClock.now - started
await scheduler.shutdown()
await journal?.close()
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let bytes = journal == nil ? 0 : fileSize(path) + fileSize(path + "-wal")
let result: [String: Any] = [
    "store": options.store, "runs": options.runs, "lines_per_run": options.lines, "failed": failures,
    "seconds": seconds, "runs_per_second": Double(options.runs) / seconds,
    "bytes": bytes, "bytes_per_10k_runs": Double(bytes) * 10_000 / Double(max(1, options.runs)),
]
print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
if options.path == nil { try? FileManager.default.removeItem(atPath: directory) }
