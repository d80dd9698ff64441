import CStewardSystem
import StewardCore
@testable import StewardProcesses
import Synchronization
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The watcher is exercised both as the process's shared one (which other suites use at the same
/// time, as in production) and as private instances, whose counters nothing else disturbs.
@Suite("Descriptor watcher", .timeLimit(.minutes(2)))
struct DescriptorWatcherTests {
    // MARK: wait

    @Test("wait: true once readable or writable, false once the timeout passes")
    func readinessAndTimeout() async throws {
        let watcher = DescriptorWatcher.shared
        let pipe = try TestPipe()
        defer { pipe.close() }
        #expect(await watcher.wait(pipe.write, for: .writable, timeout: .seconds(10)))
        #expect(await watcher.wait(pipe.read, for: .readable, timeout: .milliseconds(30)) == false)
        let waiter = Task { await watcher.wait(pipe.read, for: .readable, timeout: .seconds(30)) }
        pipe.send("x")
        #expect(await waiter.value)
        // Still readable (level-triggered): an immediate answer, whatever the timeout.
        #expect(await watcher.wait(pipe.read, for: .readable, timeout: .zero))
        // No timeout at all: only readiness ends it.
        #expect(await watcher.wait(pipe.read, for: .readable))
    }

    @Test("wait: end of file and a connect count as ready; a regular file is always ready; a closed descriptor is not")
    func otherReadiness() async throws {
        let watcher = DescriptorWatcher.shared
        let pipe = try TestPipe()
        Glibc.close(pipe.write)
        #expect(await watcher.wait(pipe.read, for: .readable, timeout: .seconds(10)))
        Glibc.close(pipe.read)
        // A non-blocking connect to a listening loopback socket completes: writable.
        let listener = try Listener()
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { Glibc.close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = listener.port.bigEndian
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(started == 0 || errno == EINPROGRESS)
        #expect(await watcher.wait(client, for: .writable, timeout: .seconds(10)))
        var error: Int32 = -1
        var length = socklen_t(MemoryLayout<Int32>.size)
        #expect(getsockopt(client, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0)
        let file = open("/proc/self/stat", O_RDONLY | O_CLOEXEC)
        defer { Glibc.close(file) }
        #expect(await watcher.wait(file, for: .readable, timeout: .seconds(10)))
        // Not open (numbers that no concurrent test can be handed).
        #expect(await watcher.wait(-1, for: .readable, timeout: .seconds(10)) == false)
        #expect(await watcher.wait(19_999, for: .writable, timeout: .seconds(10)) == false)
    }

    @Test("wait: cancellation returns false at once and leaves no registration behind")
    func cancellation() async throws {
        let watcher = DescriptorWatcher(name: "test-cancel")
        let pipe = try TestPipe()
        defer { pipe.close() }
        for limit in [nil, Duration.seconds(3600)] {
            let waiter = Task { await watcher.wait(pipe.read, for: .readable, timeout: limit) }
            #expect(await eventually { watcher.statistics.registrations == 1 })
            waiter.cancel()
            #expect(await waiter.value == false)
            #expect(watcher.statistics.registrations == 0)
            #expect(watcher.statistics.deadlines == 0)
        }
        // Cancelled before it starts: no registration is made at all.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await watcher.wait(pipe.read, for: .readable, timeout: .seconds(3600))
        }
        #expect(await early.value == false)
        #expect(watcher.statistics.registrations == 0)
    }

    @Test("an earlier deadline added while the thread sleeps until a later one wakes it")
    func earlierDeadlineWakes() async throws {
        let watcher = DescriptorWatcher(name: "test-deadlines")
        let pipe = try TestPipe()
        defer { pipe.close() }
        let long = Task { await watcher.wait(pipe.read, for: .readable, timeout: .seconds(3600)) }
        #expect(await eventually { watcher.statistics.lastTimeout > 1_000_000 })
        // Without the wake-up this would sleep for the hour (and trip the suite's time limit).
        #expect(await watcher.wait(pipe.read, for: .readable, timeout: .milliseconds(20)) == false)
        long.cancel()
        #expect(await long.value == false)
    }

    @Test("an idle watcher sleeps without a timeout and does not wake")
    func idleHasNoWakeUps() async throws {
        let watcher = DescriptorWatcher(name: "test-idle")
        let pipe = try TestPipe()
        defer { pipe.close() }
        let calls = Atomic<Int>(0)
        let registration = try watcher.add(pipe.read, for: .readable) { _ in calls.add(1, ordering: .relaxed) }
        #expect(await watcher.wait(pipe.write, for: .writable, timeout: .milliseconds(5)))
        #expect(await watcher.wait(pipe.read, for: .readable, timeout: .milliseconds(5)) == false)
        #expect(await eventually { watcher.statistics.lastTimeout == -1 })
        let before = watcher.statistics.wakeUps
        try await Task.sleep(for: .milliseconds(200))
        #expect(watcher.statistics.wakeUps == before)
        #expect(watcher.statistics.lastTimeout == -1)
        let callsNow = calls.load(ordering: .relaxed)
        #expect(callsNow == 0)
        watcher.remove(registration)
    }

    // MARK: add and remove

    @Test("a repeating registration is called while readable; a deadline ends it with timedOut")
    func repeatingAndDeadline() async throws {
        let watcher = DescriptorWatcher(name: "test-repeat")
        let pipe = try TestPipe()
        defer { pipe.close() }
        let received = Mutex<[UInt8]>([])
        let outcomes = Mutex<[DescriptorWatcher.Outcome]>([])
        let reader: @Sendable (DescriptorWatcher.Outcome) -> Void = { outcome in
            outcomes.withLock { $0.append(outcome) }
            var buffer = [UInt8](repeating: 0, count: 16)
            while true {
                let count = read(pipe.read, &buffer, buffer.count)
                guard count > 0 else { break }
                received.withLock { $0 += buffer[0..<count] }
            }
        }
        let repeating = try watcher.add(pipe.read, for: .readable, deadline: .now + .seconds(3600), handler: reader)
        pipe.send("ab")
        #expect(await eventually { received.withLock { $0 } == Array("ab".utf8) })
        pipe.send("cd")
        #expect(await eventually { received.withLock { $0 } == Array("abcd".utf8) })
        watcher.remove(repeating)
        #expect(outcomes.withLock { $0.allSatisfy { $0 == .ready } && $0.count >= 2 })
        #expect(watcher.statistics.registrations == 0 && watcher.statistics.deadlines == 0)

        // Nothing to read: the deadline ends it, with one timedOut callback.
        outcomes.withLock { $0 = [] }
        let limited = try watcher.add(pipe.read, for: .readable, deadline: .now + .milliseconds(20), handler: reader)
        #expect(await eventually { outcomes.withLock { $0 } == [.timedOut] })
        #expect(watcher.statistics.registrations == 0)
        pipe.send("ef")  // ended: never called again
        #expect(await watcher.wait(pipe.read, for: .readable, timeout: .seconds(10)))
        #expect(outcomes.withLock { $0 } == [.timedOut])
        watcher.remove(limited)  // already ended: a no-op
    }

    @Test("remove waits for a running callback; afterwards none runs and the descriptor can be closed and reused")
    func removeIsSynchronous() async throws {
        let watcher = DescriptorWatcher(name: "test-remove")
        let pipe = try TestPipe()
        let entered = Atomic<Bool>(false)
        let removing = Atomic<Bool>(false)
        let finished = Atomic<Bool>(false)
        let callsAfterRemove = Atomic<Int>(0)
        let removed = Atomic<Bool>(false)
        let registration = try watcher.add(pipe.read, for: .readable) { _ in
            if removed.load(ordering: .sequentiallyConsistent) { callsAfterRemove.add(1, ordering: .sequentiallyConsistent) }
            entered.store(true, ordering: .sequentiallyConsistent)
            // Hold the callback until the test is inside remove(), then a little longer.
            while !removing.load(ordering: .sequentiallyConsistent) { usleep(1000) }
            usleep(20_000)
            finished.store(true, ordering: .sequentiallyConsistent)
        }
        pipe.send("x")  // never read: the registration stays ready
        #expect(await eventually { entered.load(ordering: .sequentiallyConsistent) })
        removing.store(true, ordering: .sequentiallyConsistent)
        watcher.remove(registration)
        removed.store(true, ordering: .sequentiallyConsistent)
        let finishedNow = finished.load(ordering: .sequentiallyConsistent)
        #expect(finishedNow, "remove returned while the callback still ran")
        pipe.close()
        // The numbers are reused at once by a new pipe: its events must not reach the old callback.
        let reused = try TestPipe()
        defer { reused.close() }
        reused.send("y")
        #expect(await watcher.wait(reused.read, for: .readable, timeout: .seconds(10)))
        let callsAfterRemoveNow = callsAfterRemove.load(ordering: .sequentiallyConsistent)
        #expect(callsAfterRemoveNow == 0)
        #expect(watcher.statistics.registrations == 0)
    }

    @Test("a callback may remove its own registration and close the descriptor; the same descriptor may be watched twice")
    func removeFromCallbackAndDuplicates() async throws {
        let watcher = DescriptorWatcher(name: "test-self")
        let pipe = try TestPipe()
        defer { Glibc.close(pipe.write) }
        let calls = Atomic<Int>(0)
        let box = Mutex<DescriptorWatcher.Registration?>(nil)
        try box.withLock { stored throws(SystemError) in
            stored = try watcher.add(pipe.read, for: .readable) { _ in
                calls.add(1, ordering: .relaxed)
                if let registration = box.withLock({ $0 }) { watcher.remove(registration) }
                Glibc.close(pipe.read)
            }
        }
        // Two more waits on the very same descriptor, concurrently with the repeating one.
        async let first = watcher.wait(pipe.read, for: .readable, timeout: .seconds(10))
        async let second = watcher.wait(pipe.read, for: .readable, timeout: .seconds(10))
        #expect(await eventually { watcher.statistics.registrations == 3 })
        pipe.send("x")
        let (one, two) = await (first, second)
        #expect(one && two)
        #expect(await eventually { watcher.statistics.registrations == 0 })
        let callsNow = calls.load(ordering: .relaxed)
        #expect(callsNow == 1)
    }

    // MARK: load

    @Test("200 concurrent timed waits on sockets and pipes, repeated: each answer is the right one")
    func manyConcurrentWaits() async throws {
        let watcher = DescriptorWatcher.shared
        for round in 0..<5 {
            var pairs: [TestSocketPair] = []
            var pipes: [TestPipe] = []
            for _ in 0..<50 {
                pairs.append(try TestSocketPair())
                pipes.append(try TestPipe())
            }
            defer {
                for pair in pairs { pair.close() }
                for pipe in pipes { pipe.close() }
            }
            // Half of each kind has data before or while waiting; the other half times out.
            for index in stride(from: 0, to: 50, by: 2) {
                pairs[index].send("s")
                if round % 2 == 0 { pipes[index].send("p") }
            }
            let results = await withTaskGroup(of: (String, Int, Bool).self) { group -> [String: Bool] in
                for index in 0..<50 {
                    let pair = pairs[index]
                    let pipe = pipes[index]
                    group.addTask { ("socket-read", index, await watcher.wait(pair.a, for: .readable, timeout: .milliseconds(300))) }
                    group.addTask { ("socket-write", index, await watcher.wait(pair.b, for: .writable, timeout: .seconds(30))) }
                    group.addTask { ("pipe-read", index, await watcher.wait(pipe.read, for: .readable, timeout: .milliseconds(300))) }
                    group.addTask { ("pipe-write", index, await watcher.wait(pipe.write, for: .writable, timeout: .seconds(30))) }
                }
                if round % 2 == 1 {
                    for index in stride(from: 0, to: 50, by: 2) { pipes[index].send("p") }
                }
                var results: [String: Bool] = [:]
                for await (kind, index, ready) in group { results["\(kind) \(index)"] = ready }
                return results
            }
            #expect(results.count == 200)
            for index in 0..<50 {
                #expect(results["socket-read \(index)"] == (index % 2 == 0), "round \(round), socket \(index)")
                #expect(results["socket-write \(index)"] == true, "round \(round), socket \(index)")
                #expect(results["pipe-write \(index)"] == true, "round \(round), pipe \(index)")
                if round % 2 == 0 || index % 2 == 1 {
                    #expect(results["pipe-read \(index)"] == (index % 2 == 0), "round \(round), pipe \(index)")
                }
                // Odd rounds: the data arrives while waiting, ordinarily well within 300 ms, but a
                // loaded machine may let the timeout win; either answer is consistent then.
            }
        }
    }

    @Test("registrations churned concurrently from many tasks: nothing crashes, nothing is left behind")
    func churn() async throws {
        let watcher = DescriptorWatcher(name: "test-churn")
        let tasks = 32
        let iterations = 3000
        let failures = Counter()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for iteration in 0..<iterations {
                        guard let pipe = try? TestPipe() else { failures.increment(); continue }
                        switch (task + iteration) % 6 {
                        case 0:  // ready before the wait
                            pipe.send("x")
                            if await !watcher.wait(pipe.read, for: .readable, timeout: .seconds(30)) { failures.increment() }
                        case 1:  // a tiny timeout
                            if await watcher.wait(pipe.read, for: .readable, timeout: .microseconds(iteration % 500)) {
                                failures.increment()
                            }
                        case 2:  // cancelled at a random moment
                            let waiter = Task { await watcher.wait(pipe.read, for: .readable, timeout: .seconds(3600)) }
                            if iteration % 3 == 0 { await Task.yield() }
                            waiter.cancel()
                            if await waiter.value { failures.increment() }
                        case 3:  // added and removed at once, maybe while its callback runs
                            pipe.send("x")
                            let registered = try? watcher.add(pipe.read, for: .readable) { _ in
                                var byte: UInt8 = 0
                                _ = read(pipe.read, &byte, 1)  // consumed: no busy callback loop
                            }
                            if let registration = registered {
                                if iteration % 2 == 0 { await Task.yield() }
                                watcher.remove(registration)
                            } else {
                                failures.increment()
                            }
                        case 4:  // readiness racing the deadline: either answer, never a crash
                            async let waited = watcher.wait(pipe.read, for: .readable, timeout: .microseconds(200))
                            pipe.send("x")
                            _ = await waited
                        default:  // a once registration that closes the descriptor it fired for
                            let fired = Latch()
                            pipe.send("x")
                            let readEnd = dup(pipe.read)
                            if (try? watcher.add(readEnd, for: .readable, mode: .once, handler: { _ in
                                Glibc.close(readEnd)
                                fired.fire()
                            })) == nil {
                                failures.increment()
                                Glibc.close(readEnd)
                                fired.fire()
                            }
                            await fired.wait()
                        }
                        pipe.close()
                    }
                }
            }
        }
        let failuresNow = failures.value
        #expect(failuresNow == 0)
        #expect(watcher.statistics.registrations == 0)
        #expect(watcher.statistics.deadlines == 0)
    }
}

/// A non-blocking pipe.
private struct TestPipe: Sendable {
    let read: Int32
    let write: Int32

    init() throws {
        var fds: [Int32] = [-1, -1]
        guard steward_pipe_cloexec(&fds) == 0 else { throw SystemError.last("pipe") }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        read = fds[0]
        write = fds[1]
    }

    func send(_ text: String) {
        _ = text.withCString { Glibc.write(write, $0, strlen($0)) }
    }

    func close() {
        Glibc.close(read)
        Glibc.close(write)
    }
}

/// A connected pair of non-blocking Unix stream sockets.
private struct TestSocketPair: Sendable {
    let a: Int32
    let b: Int32

    init() throws {
        var fds: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { throw SystemError.last("socketpair") }
        a = fds[0]
        b = fds[1]
    }

    /// Sends from `b` to `a`.
    func send(_ text: String) {
        _ = text.withCString { Glibc.send(b, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    func close() {
        Glibc.close(a)
        Glibc.close(b)
    }
}

/// A counter shared by tasks.
private final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
