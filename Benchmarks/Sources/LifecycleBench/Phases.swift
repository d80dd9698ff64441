// Diagnostics (hidden `--phases`, with `--single N`): keeps every event and prints, per priority
// group, when each startup and unwind phase began and ended. Costs memory, so never used for the
// table's numbers.
import StewardCore

struct PhaseTrace: Sendable {
    private struct Span {
        var first: Duration
        var last: Duration
        var count = 1
    }

    /// Consumes `events` to the end and prints the timeline to stderr.
    static func report(_ events: AsyncStream<LifecycleEvent>) async {
        var spans: [String: Span] = [:]
        var order: [String] = []
        func note(_ key: String, _ time: Duration) {
            if var span = spans[key] {
                span.first = min(span.first, time)
                span.last = max(span.last, time)
                span.count += 1
                spans[key] = span
            } else {
                spans[key] = Span(first: time, last: time)
                order.append(key)
            }
        }
        for await event in events {
            if let milestone = event.milestone {
                note("milestone \(milestone)", event.time)
            } else if let component = event.component, let phase = event.phase, let outcome = event.outcome {
                let index = component.split(separator: "-").last.flatMap { Int($0) } ?? -1
                note("group \(index % 10) \(phase) \(outcome)", event.time)
            }
        }
        var text = "phase timeline (runner clock, ms; first–last, count):\n"
        for key in order {
            let span = spans[key]!
            text += "  \(key): \(format(span.first.milliseconds))–\(format(span.last.milliseconds)) ×\(span.count)"
                + " (span \(format((span.last - span.first).milliseconds)))\n"
        }
        writeStderr(text)
    }
}
