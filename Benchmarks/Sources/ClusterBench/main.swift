// cluster-bench: how many job runs a second steward's schedulers carry through a journal, from
// the trigger to the final record, on the SQLite journal (one scheduler) and on the PostgreSQL
// shared journal with one or more nodes, in one process.
//
//   cluster-bench --store sqlite|postgres [--nodes N] [--runs N] [--lines L] [--concurrency C]
//                 [--warmup W] [--connection "host=… port=… user=…"] [--statements]
//
// Every node is a JobScheduler with a store of its own (for PostgreSQL, its own PostgresRunStore
// on one database: its own connections and threads, as a steward process has), defining the same
// Swift job, which writes L log lines and returns at once. C tasks trigger runs, each on node
// (task % N), and wait until the run is final (announced by whichever node ran it, after its final
// record is durable), so C runs are in flight at any time. W runs first warm up connections and
// caches; the clock then measures N runs from the first trigger to the last final record.
// PostgreSQL: a fresh database is created on the server `--connection` reaches (libpq keywords,
// without dbname) and dropped at the end. `--statements` counts the statements per run
// (pg_stat_statements, which the server must preload). Prints one JSON object.
import Foundation
import StewardCore
import StewardJobs
import StewardJournal
import StewardPostgres

struct Options {
    var store = "sqlite"
    var nodes = 1
    var runs = 10_000
    var lines = 0
    var concurrency = 64
    var warmup = 500
    var connection = ""
    var statements = false
}

func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("cluster-bench: \(message)\n".utf8))
    exit(code)
}

func parse() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    func number(_ name: String) -> Int {
        guard let text = arguments.next(), let value = Int(text), value >= 0 else { fail("\(name) needs a number ≥ 0", code: 64) }
        return value
    }
    while let argument = arguments.next() {
        switch argument {
        case "--store": options.store = arguments.next() ?? ""
        case "--nodes": options.nodes = max(1, number("--nodes"))
        case "--runs": options.runs = max(1, number("--runs"))
        case "--lines": options.lines = number("--lines")
        case "--concurrency": options.concurrency = max(1, number("--concurrency"))
        case "--warmup": options.warmup = number("--warmup")
        case "--connection": options.connection = arguments.next() ?? ""
        case "--statements": options.statements = true
        default: fail("unknown argument \(argument)", code: 64)
        }
    }
    guard ["sqlite", "postgres"].contains(options.store) else { fail("--store must be sqlite or postgres", code: 64) }
    if options.store == "sqlite" && options.nodes != 1 { fail("--store sqlite has one node (--nodes 1)", code: 64) }
    if options.store == "postgres" && options.connection.isEmpty { fail("--store postgres needs --connection", code: 64) }
    return options
}

/// Triggers `count` runs with `concurrency` in flight, spread over the schedulers; returns the
/// number that did not succeed.
func drive(_ schedulers: [JobScheduler], _ finals: Finals, count: Int, concurrency: Int) async -> Int {
    await withTaskGroup(of: Int.self) { group in
        let tasks = min(concurrency, count)
        for task in 0..<tasks {
            let share = count / tasks + (task < count % tasks ? 1 : 0)
            let scheduler = schedulers[task % schedulers.count]
            group.addTask {
                var failed = 0
                for _ in 0..<share {
                    do {
                        let runId = try await scheduler.trigger("work")
                        if await finals.wait(runId) != .succeeded { failed += 1 }
                    } catch {
                        failed += 1
                    }
                }
                return failed
            }
        }
        var total = 0
        for await failed in group { total += failed }
        return total
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func ownCPU() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

let options = parse()
let quiet = Logger(label: "bench", sink: MemoryLogSink(capacity: 10))
let directory = NSTemporaryDirectory() + "cluster-bench-\(getpid())"
try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
let database = "cluster_bench_\(getpid())"
var admin: PostgresConnection?
var sqlite: SQLiteRunStore?
var postgres: [PostgresRunStore] = []
var schedulers: [JobScheduler] = []
var probe: ServerProbe?

if options.store == "sqlite" {
    let journal = SQLiteRunStore(path: directory + "/journal.sqlite", logger: quiet)
    sqlite = journal
    schedulers = [JobScheduler(store: journal, options: JobSchedulerOptions(logger: quiet))]
} else {
    do {
        let connection = try PostgresConnection(try PostgresConfiguration(parsing: options.connection + " dbname=postgres"))
        try await connection.query("CREATE DATABASE \(database)")
        admin = connection
        for node in 0..<options.nodes {
            let store = try await PostgresRunStore.open(options.connection + " dbname=\(database)",
                                                        options: PostgresJournalOptions(node: "node\(node + 1)"), logger: quiet)
            postgres.append(store)
            schedulers.append(JobScheduler(store: store, options: JobSchedulerOptions(logger: quiet)))
        }
        probe = try ServerProbe(options.connection, database: database)
    } catch {
        fail("cannot set up the PostgreSQL journal: \(error)")
    }
}

let finals = Finals()
let followers = schedulers.map { finals.follow($0) }
let lines = options.lines
for scheduler in schedulers {
    try await scheduler.define(JobDefinition(id: "work", overlap: .allow) { context in
        for n in 0..<lines { context.log("line \(n) of run \(context.runId.rawValue.prefix(8)): some output [ok]") }
        return .null
    })
    await scheduler.start()
}

if options.warmup > 0 {
    _ = await drive(schedulers, finals, count: options.warmup, concurrency: options.concurrency)
}
let statementsOn = options.statements ? await probe?.enableStatements() ?? false : false
let commitsBefore = (try? await probe?.commits()) ?? 0
let serverBefore = (try? await probe?.backendCPU()) ?? [:]
let cpuBefore = ownCPU()
let started = ContinuousClock.now
let failures = await drive(schedulers, finals, count: options.runs, concurrency: options.concurrency)
let elapsed = seconds(ContinuousClock.now - started)
let cpu = ownCPU() - cpuBefore
let serverAfter = (try? await probe?.backendCPU()) ?? [:]
let commits = ((try? await probe?.commits()) ?? 0) - commitsBefore
let serverCPU = serverAfter.reduce(0.0) { $0 + $1.value - (serverBefore[$1.key] ?? 0) }
var result: [String: Any] = [
    "store": options.store, "nodes": options.nodes, "runs": options.runs, "lines_per_run": options.lines,
    "concurrency": options.concurrency, "failed": failures, "seconds": elapsed,
    "runs_per_second": Double(options.runs) / elapsed, "bench_cpu_seconds": cpu,
]
if let probe {
    result["server_cpu_seconds"] = serverCPU
    result["server_backends"] = serverAfter.count
    result["transactions_per_run"] = Double(commits) / Double(options.runs)
    if statementsOn, let (total, top) = try? await probe.statements(runs: options.runs) {
        result["statements_per_run"] = Double(total) / Double(options.runs)
        result["statements"] = top
    }
}

for scheduler in schedulers { await scheduler.shutdown() }
for follower in followers { follower.cancel() }
await sqlite?.close()
for store in postgres { await store.close() }
await probe?.close()
if let admin {
    _ = try? await admin.query("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
    await admin.close()
}
try? FileManager.default.removeItem(atPath: directory)
print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
