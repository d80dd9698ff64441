// service-lifecycle-anchor --single N: starts N trivial services in one swift-service-lifecycle
// ServiceGroup (flat: no ordering, no health), shuts them down gracefully once every one of them
// has entered `run`, and prints one line on stdout:
//
//   RESULT n=N build_ns=… ready_ns=… shutdown_ns=… total_ns=… base_kib=… hwm_kib=…
//
// the same fields as `lifecycle-bench --single N`: build = creating the services and the group;
// ready = `run()` called → the last service entered its `run`; shutdown = that instant → `run()`
// returned; total = before the first service was created → `run()` returned; base_kib = VmRSS
// before anything was created; hwm_kib = VmHWM (peak RSS) at the end. One measurement per process:
// the harness (../Scripts/harness.py) starts a fresh process per N and repetition.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import ServiceLifecycle
import Synchronization

/// Counts services that entered `run`; the one that completes the count records the instant and
/// triggers the graceful shutdown (the analogue of lifecycle-bench's `.ready` → `requestShutdown`).
final class StartBarrier: Sendable {
    let expected: Int
    let started = Atomic<Int>(0)
    let allStarted = Mutex<ContinuousClock.Instant?>(nil)
    let group = Mutex<ServiceGroup?>(nil)

    init(expected: Int) { self.expected = expected }

    func serviceStarted() {
        let (_, count) = started.add(1, ordering: .acquiringAndReleasing)
        guard count == expected else { return }
        let now = ContinuousClock.now
        allStarted.withLock { $0 = now }
        guard let group = group.withLock({ $0 }) else { fatalError("the group was not set before run()") }
        Task { await group.triggerGracefulShutdown() }
    }
}

/// A trivial service: report the start, then wait for the graceful shutdown and return.
struct TrivialService: Service {
    let barrier: StartBarrier

    func run() async throws {
        barrier.serviceStarted()
        try? await gracefulShutdown()
    }
}

func procStatusKiB(_ field: String) -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix(field + ":") { return Int(text.filter(\.isNumber)) ?? 0 }
    }
    return 0
}

func writeStderr(_ text: String) {
    var text = text
    text.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, arguments[1] == "--single", let n = Int(arguments[2]), n > 0 else {
    writeStderr("usage: service-lifecycle-anchor --single N\n")
    exit(64)
}

let baseline = procStatusKiB("VmRSS")
let clock = ContinuousClock()
let logger = Logger(label: "anchor", factory: { _ in SwiftLogNoOpLogHandler() })

let start = clock.now
let barrier = StartBarrier(expected: n)
var services: [any Service] = []
services.reserveCapacity(n)
for _ in 0..<n { services.append(TrivialService(barrier: barrier)) }
let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: logger))
services = []
barrier.group.withLock { $0 = group }
let built = clock.now

let runStart = clock.now
do {
    try await group.run()
} catch {
    writeStderr("service-lifecycle-anchor: n=\(n): run failed: \(error)\n")
    exit(1)
}
let end = clock.now
guard let allStarted = barrier.allStarted.withLock({ $0 }) else {
    writeStderr("service-lifecycle-anchor: n=\(n): not every service started\n")
    exit(1)
}
let peak = procStatusKiB("VmHWM")
print("RESULT n=\(n) build_ns=\((built - start).nanoseconds) ready_ns=\((allStarted - runStart).nanoseconds) "
    + "shutdown_ns=\((end - allStarted).nanoseconds) total_ns=\((end - start).nanoseconds) base_kib=\(baseline) hwm_kib=\(peak)")
