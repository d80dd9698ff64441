import StewardCore
import StewardTesting
import Synchronization

struct TestFailure: Error, CustomStringConvertible, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// What a scripted phase does.
enum Step: Sendable {
    case succeed
    case fail(String)
    /// Waits until cancelled, then throws CancellationError.
    case hang
    /// Waits for the gate, ignoring cancellation.
    case block(Gate)
}

/// What a scripted `run` does on a given attempt.
enum RunStep: Sendable {
    /// Marks the health keys healthy, then waits for the stop request (or cancellation).
    case serve
    /// Returns at once.
    case returnNow
    /// Throws at once.
    case fail(String)
    /// Serves until the gate opens, then throws.
    case failAfter(Gate, String)
    /// Ignores stop; returns only when cancelled.
    case untilCancelled
    /// Ignores stop and cancellation; returns when the gate opens.
    case block(Gate)
}

func perform(_ step: Step) async throws {
    switch step {
    case .succeed: return
    case .fail(let message): throw TestFailure(message)
    case .hang:
        await waitForCancellation()
        throw CancellationError()
    case .block(let gate): await gate.wait()
    }
}

/// Waits until the task is cancelled (no timers, no polling).
func waitForCancellation() async {
    let latch = Gate()
    await withTaskCancellationHandler { await latch.wait() } onCancel: { latch.open() }
}

/// An initializer whose phases are scripted.
struct ScriptedInitializer: Initializer {
    var inject: Step = .succeed
    var initialize: Step = .succeed
    var finalize: Step = .succeed
    var requires: [ServiceKey<String>] = []

    func inject(_ services: ServiceContainer) async throws {
        for key in requires { _ = try services.resolve(key) }
        try await perform(inject)
    }
    func initialize(_ context: LifecycleContext) async throws { try await perform(initialize) }
    func finalize(_ context: LifecycleContext) async throws { try await perform(finalize) }
}

/// A runnable whose phases are scripted; `runs[i]` is attempt i+1 (the last repeats).
struct ScriptedRunnable: Runnable {
    var initialize: Step = .succeed
    var runs: [RunStep] = [.serve]
    var stop: Step = .succeed
    var finalize: Step = .succeed
    var healthy: [HealthKey] = []

    func initialize(_ context: LifecycleContext) async throws { try await perform(initialize) }
    func finalize(_ context: LifecycleContext) async throws { try await perform(finalize) }
    func stop(_ context: LifecycleContext) async throws { try await perform(stop) }

    func run(_ context: LifecycleContext) async throws {
        let step = runs[min(context.attempt - 1, runs.count - 1)]
        switch step {
        case .serve:
            for key in healthy { try context.setHealth(key, healthy: true) }
            await context.untilStopRequested()
        case .returnNow: return
        case .fail(let message): throw TestFailure(message)
        case .failAfter(let gate, let message):
            for key in healthy { try context.setHealth(key, healthy: true) }
            await gate.wait()
            throw TestFailure(message)
        case .untilCancelled:
            await waitForCancellation()
        case .block(let gate):
            await gate.wait()
        }
    }
}

/// Options for tests: a manual clock, no signals, no deadline unless asked.
func testOptions(_ clock: ManualClock, deadline: Duration? = nil, logger: Logger? = nil) -> LifecycleOptions {
    LifecycleOptions(clock: clock, signals: .disabled, shutdownDeadline: deadline, cancellationGrace: .seconds(1),
                     logger: logger ?? Logger(label: "test", sink: MemoryLogSink(capacity: 1000)), random: { 0 })
}

