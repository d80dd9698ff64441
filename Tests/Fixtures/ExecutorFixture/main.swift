// A child program for the executor tests: it runs on StewardExecutor (as `steward run` and
// `steward exec` do) and reports, one line each on stdout, what the tests check:
//
//   fifo ok | fifo broken at N        1,000 tasks ran in the order they were created
//   sleep order 10,20,30               three concurrent sleeps woke in deadline order, none early
//   main actor on the main thread      MainActor work runs on the loop's (main) thread
//   cancelled sleep returned           a cancelled hour-long Task.sleep ends at once
//   SIGUSR1 observed on the main thread
//   child SigBlk 0000000000000000      a spawned child starts with no signal blocked…
//   child SigIgn 0000000000000000      …and none ignored
//   threads 1                          no other thread was ever started (no libdispatch worker)
//
// then sends itself SIGUSR2, which nobody observes: its default action must end the process.
#if canImport(Glibc)
import Glibc
#endif
import StewardCore
import StewardProcesses
import Synchronization

func say(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(1, $0, strlen($0)) }
}

/// Whether the calling thread is the main one: `/proc/thread-self` links to `PID/task/TID`, and
/// the main thread's TID is the PID.
func onMainThread() -> Bool {
    var buffer = [CChar](repeating: 0, count: 64)
    let length = readlink("/proc/thread-self", &buffer, 63)
    guard length > 0 else { return false }
    let link = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return link == "\(getpid())/task/\(getpid())"
}

func threadCount() -> Int {
    guard let directory = opendir("/proc/self/task") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while let entry = readdir(directory) {
        if entry.pointee.d_name.0 != 0x2e { count += 1 }
    }
    return count
}

/// Numbers appended from many tasks.
final class Record: Sendable {
    private let items = Mutex<[Int]>([])
    func add(_ item: Int) { items.withLock { $0.append(item) } }
    var all: [Int] { items.withLock { $0 } }
}

StewardExecutor.run {
    // FIFO: tasks run in the order they were enqueued.
    let order = Record()
    var tasks: [Task<Void, Never>] = []
    for index in 0..<1000 { tasks.append(Task.detached { order.add(index) }) }
    for task in tasks { await task.value }
    let ran = order.all
    say(ran == Array(0..<1000) ? "fifo ok" : "fifo broken at \(ran.indices.first { ran[$0] != $0 } ?? -1)")

    // Sleeps: served from the deadline heap, woken in deadline order, never early.
    let woke = Record()
    let start = ContinuousClock.now
    await withTaskGroup(of: Void.self) { group in
        for milliseconds in [30, 10, 20] {
            group.addTask {
                try? await Task.sleep(for: .milliseconds(milliseconds))
                let early = ContinuousClock.now - start < .milliseconds(milliseconds)
                woke.add(early ? -milliseconds : milliseconds)
            }
        }
    }
    say("sleep order " + woke.all.map(String.init).joined(separator: ","))

    let mainThread = await MainActor.run { onMainThread() }
    say(mainThread ? "main actor on the main thread" : "main actor elsewhere")

    let sleeper = Task.detached { try await Task.sleep(for: .seconds(3600)) }
    sleeper.cancel()
    if case .failure = await sleeper.result { say("cancelled sleep returned") }

    // Signals: observers are called from the loop.
    let observed = Latch()
    let onMain = Record()
    let token = try? SignalListener.shared.observe([SIGUSR1]) { _ in
        onMain.add(onMainThread() ? 1 : 0)
        _ = observed.fire()
    }
    kill(getpid(), SIGUSR1)
    await observed.wait()
    say(onMain.all == [1] ? "SIGUSR1 observed on the main thread" : "SIGUSR1 observed elsewhere")
    if let token { SignalListener.shared.removeObserver(token) }

    // A spawned child: nothing blocked, nothing ignored, whatever this process blocks.
    let request = SpawnRequest(arguments: ["sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status | sed 's/^/child /; s/:[[:space:]]*/ /'"],
                               environment: ["PATH": "/usr/bin:/bin"], descriptors: [1: 1, 2: 2])
    if let child = try? Reaper.shared.spawn(request) { _ = await child.waitForExit() } else { say("spawn failed") }

    say("threads \(threadCount())")
    kill(getpid(), SIGUSR2)
    await Latch().wait()  // not reached: SIGUSR2's default action ends the process
}
