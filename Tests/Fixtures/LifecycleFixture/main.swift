// A child program for the signal tests: it runs a small lifecycle with real signal handling and
// writes every lifecycle event to stdout, one line each, unbuffered. The test sends it real signals.
//
//   steward-lifecycle-fixture graceful   a runnable that stops when asked
//   steward-lifecycle-fixture stubborn   stop() never returns; run() returns only when cancelled
//   steward-lifecycle-fixture wedged     stop() never returns; run() ignores cancellation too
//   steward-lifecycle-fixture default-logger   as graceful, with the options' default logger
//   steward-lifecycle-fixture log-and-exit     2,000 log lines, then exit(0) at once
//   steward-lifecycle-fixture run-main [ARG…]  as graceful, through Lifecycle.runMain(arguments:)
#if canImport(Glibc)
import Glibc
#endif
import StewardCore

func say(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(1, $0, strlen($0)) }
}

/// Never resumes: models code that ignores every request.
func hangForever() async {
    await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
}

let scenario = CommandLine.arguments.dropFirst().first ?? "graceful"
if scenario == "log-and-exit" {
    // 2,000 log lines through the standard output queue, then exit(0) at once: the queue's
    // atexit flush must write them all.
    let logger = Logger(label: "fixture", sink: FileDescriptorLogSink.standardOutput(format: .logfmt))
    for index in 0..<2000 { logger.info("line \(index)") }
    exit(0)
}
var builder = LifecycleBuilder()
builder.addInitializer("db", options: .init(priority: 0), initialize: { _ in }, finalize: { _ in say("db finalized") })
switch scenario {
case "stubborn":
    builder.addRunnable("svc", options: .init(priority: 1, stopTimeout: .seconds(60), shutdownTimeout: .seconds(60))) { _ in
        let never = AsyncStream<Int>.makeStream().stream
        for await _ in never {}  // ends on cancellation only
    } stop: { _ in
        await hangForever()
    }
case "wedged":
    builder.addRunnable("svc", options: .init(priority: 1, stopTimeout: .seconds(60), shutdownTimeout: .seconds(60))) { _ in
        await hangForever()
    } stop: { _ in
        await hangForever()
    }
default:
    builder.addRunnable("svc", options: .init(priority: 1)) { context in
        await context.untilStopRequested()
    }
}
let sink = MemoryLogSink(capacity: 10)
// A long cancellation grace: in "wedged" mode the third signal must find the unwind still waiting.
let lifecycle = try builder.build(options: LifecycleOptions(shutdownDeadline: .seconds(60), cancellationGrace: .seconds(60),
                                                            logger: scenario == "default-logger" ? nil : Logger(label: "fixture", sink: sink)))
let events = lifecycle.events()
let printer = Task {
    for await event in events {
        if event.milestone != nil {
            say("event \(event)")
        } else {
            say("event \(event.component ?? "?") \(event.phase?.description ?? "?") \(event.outcome?.description ?? "?")")
        }
    }
}
if scenario == "run-main" {
    await lifecycle.runMain(arguments: [CommandLine.arguments[0]] + CommandLine.arguments.dropFirst(2))
}
let report = await lifecycle.run()
await printer.value
say("report exit=\(report.exitCode) errors=\(report.errors.map(\.description).joined(separator: "; "))")
exit(report.exitCode)
