// One measurement, run inside the child process: build, run to ready, graceful shutdown.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StewardCore

/// What one child reports back, as one line on its stdout (the parent's pipe).
struct SingleResult {
    var n: Int
    /// Registering the N runnables plus `build(options:)`.
    var build: Duration
    /// From calling `run()` to the `.ready` milestone (its own timestamp, see `readyAt`).
    var ready: Duration
    /// From `requestShutdown()` to `run()` returning.
    var shutdown: Duration
    /// From the first registration to `run()` returning.
    var total: Duration
    /// How long after the runner emitted `.ready` the bench's event consumer saw it.
    var notifyLag: Duration
    /// VmRSS before anything was built, VmRSS when `.ready` was seen, and VmHWM at the end, in KiB.
    var baselineRSSKiB: Int
    var readyRSSKiB: Int
    var peakRSSKiB: Int
    var clean: Bool

    static let prefix = "RESULT"

    var line: String {
        "\(Self.prefix) n=\(n) build_ns=\(build.nanoseconds) ready_ns=\(ready.nanoseconds) shutdown_ns=\(shutdown.nanoseconds) "
            + "total_ns=\(total.nanoseconds) lag_ns=\(notifyLag.nanoseconds) base_kib=\(baselineRSSKiB) ready_kib=\(readyRSSKiB) hwm_kib=\(peakRSSKiB) clean=\(clean ? 1 : 0)"
    }

    init(n: Int, build: Duration, ready: Duration, shutdown: Duration, total: Duration, notifyLag: Duration,
         baselineRSSKiB: Int, readyRSSKiB: Int, peakRSSKiB: Int, clean: Bool) {
        self.n = n
        self.build = build
        self.ready = ready
        self.shutdown = shutdown
        self.total = total
        self.notifyLag = notifyLag
        self.baselineRSSKiB = baselineRSSKiB
        self.readyRSSKiB = readyRSSKiB
        self.peakRSSKiB = peakRSSKiB
        self.clean = clean
    }

    init?(line: String) {
        let fields = line.split(separator: " ")
        guard fields.first == Substring(Self.prefix) else { return nil }
        var values: [Substring: Int] = [:]
        for field in fields.dropFirst() {
            let pair = field.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let value = Int(pair[1]) else { return nil }
            values[pair[0]] = value
        }
        guard let n = values["n"], let build = values["build_ns"], let ready = values["ready_ns"],
              let shutdown = values["shutdown_ns"], let total = values["total_ns"], let lag = values["lag_ns"],
              let base = values["base_kib"], let atReady = values["ready_kib"], let hwm = values["hwm_kib"], let clean = values["clean"] else { return nil }
        self.init(n: n, build: .nanoseconds(build), ready: .nanoseconds(ready), shutdown: .nanoseconds(shutdown),
                  total: .nanoseconds(total), notifyLag: .nanoseconds(lag), baselineRSSKiB: base, readyRSSKiB: atReady, peakRSSKiB: hwm,
                  clean: clean == 1)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var milliseconds: Double { Double(nanoseconds) / 1e6 }
}

enum SingleRun {
    static func measure(n: Int, phases: Bool = false, noTimeouts: Bool = false, health: Bool = false) async -> SingleResult {
        let baseline = procStatusKiB("VmRSS") ?? 0
        let clock = ContinuousClock()
        let sink = MemoryLogSink(capacity: 100)
        let logger = Logger(label: "lifecycle-bench", sink: sink, level: .warning)
        let runnerClock = OriginClock()
        let options = LifecycleOptions(clock: runnerClock, signals: .disabled, shutdownDeadline: nil, logger: logger)

        // Build: register N runnables over 10 priority groups, then validate and build.
        let buildStart = clock.now
        var builder = LifecycleBuilder()
        for i in 0..<n {
            // Diagnostics only (`--no-timeouts`): no per-component stop/shutdown/finalize limits,
            // so the runner arms no timer per bounded call.
            var componentOptions = noTimeouts
                ? ComponentOptions(priority: i % 10, stopTimeout: nil, shutdownTimeout: nil, finalizeTimeout: nil)
                : ComponentOptions(priority: i % 10)
            if health {
                // `--health`: the group waits for this key, which `run` reports healthy at once.
                let key = HealthKey("runnable-\(i)")
                componentOptions.healthKeys = [key]
                builder.addRunnable("runnable-\(i)", options: componentOptions) { context in
                    try? context.setHealth(key, healthy: true)
                    await context.untilStopRequested()
                }
            } else {
                builder.addRunnable("runnable-\(i)", options: componentOptions) { context in
                    await context.untilStopRequested()
                }
            }
        }
        let lifecycle: Lifecycle
        do {
            lifecycle = try builder.build(options: options)
        } catch {
            fail("build failed: \(error)")
        }
        let buildEnd = clock.now

        // Keep only the newest events, so a lagging consumer costs neither memory (RSS) nor a long
        // backlog to wade through before `.ready` (nothing is emitted between `.ready` and our
        // shutdown request, so `.ready` itself is never dropped).
        let events = lifecycle.events(bufferingPolicy: .bufferingNewest(64))
        let watcher = Task { () -> (seen: ContinuousClock.Instant, runnerTime: Duration, rssKiB: Int)? in
            for await event in events where event.milestone == .ready {
                // Read before `seen`: counted in the notification lag, not in the shutdown time.
                let rss = SingleRun.procStatusKiB("VmRSS") ?? 0
                let seen = clock.now
                lifecycle.requestShutdown()
                return (seen, event.time, rss)
            }
            return nil
        }

        if phases {
            writeStderr("RSS after build: \(format(Double(procStatusKiB("VmRSS") ?? 0) / 1024)) MB (before: \(format(Double(baseline) / 1024)) MB)\n")
        }
        let traceEvents = phases ? lifecycle.events() : nil
        let trace = traceEvents.map { events in Task { await PhaseTrace.report(events) } }

        let runStart = clock.now
        let report = await lifecycle.run()
        let runEnd = clock.now
        guard let ready = await watcher.value else {
            fail("the lifecycle finished without a .ready milestone: \(report)")
        }
        await trace?.value
        if !report.isClean { writeStderr("lifecycle-bench: n=\(n): unclean report: \(report)\n") }

        // `.ready`'s time is runner-clock time since the origin the runner read in build().
        guard let origin = runnerClock.origin else { fail("the runner never read its clock") }
        let readyAt = origin + ready.runnerTime
        let peak = procStatusKiB("VmHWM") ?? 0
        return SingleResult(
            n: n,
            build: buildEnd - buildStart,
            ready: readyAt - runStart,
            shutdown: runEnd - ready.seen,
            total: runEnd - buildStart,
            notifyLag: ready.seen - readyAt,
            baselineRSSKiB: baseline,
            readyRSSKiB: ready.rssKiB,
            peakRSSKiB: peak,
            clean: report.isClean
        )
    }

    /// A `kB` field of /proc/self/status (VmHWM is the peak resident set size).
    static func procStatusKiB(_ field: String) -> Int? {
        guard let text = readFile("/proc/self/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let digits = line.dropFirst(field.count + 1).filter(\.isNumber)
            return Int(digits)
        }
        return nil
    }
}

/// Reads a whole (small) file with plain POSIX calls.
func readFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}
