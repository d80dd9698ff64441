import CStewardSystem
import StewardCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What every catchable signal means to `steward run`, from the moment the config is read until
/// steward has really finished (the final sweep done, the control socket removed). None ends
/// steward by its default disposition, whether or not it is PID 1.
///
/// | signal | meaning |
/// |---|---|
/// | SIGTERM, SIGINT, SIGQUIT | shutdown: the first graceful, the second forces it, the third exits at once (the runner's escalation); during the final sweep, SIGKILL to what is left now |
/// | SIGHUP | reload the config (while starting or stopping: nothing) |
/// | SIGCHLD | reap children |
/// | SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGPROF, SIGVTALRM, SIGXCPU, SIGXFSZ, SIGPWR, SIGSTKFLT, SIGIO, SIGTSTP, SIGTTIN, SIGTTOU, real-time signals | ignored (logged); `steward signal NAME SIG` reaches a process |
/// | SIGWINCH, SIGURG, SIGCONT | their defaults (nothing, nothing, continue) |
///
/// Children never inherit any of this: every spawn resets every disposition to its default.
final class RunSignals: Sendable {
    /// Signals that shut steward down.
    static let shutdown: Set<Int32> = [SIGTERM, SIGINT, SIGQUIT]
    /// Signals steward gives no meaning to: caught so that their default action (terminate, or
    /// stop for the terminal's job-control signals) never applies to the supervisor.
    static let ignored: Set<Int32> = Set([SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGPROF, SIGVTALRM, SIGXCPU, SIGXFSZ, SIGPWR,
                                          SIGSTKFLT, SIGIO, SIGTSTP, SIGTTIN, SIGTTOU])
        .union(SignalName.realtime)

    private struct State {
        /// The lifecycle that acts on shutdown signals, once there is one.
        var lifecycle: Lifecycle?
        /// Shutdown signals that came before there was a lifecycle to hand them to.
        var early: [Int32] = []
        var lateSignals = 0
    }

    private let state = Mutex(State())
    private let logger: Logger
    /// Fires on the first shutdown signal after the lifecycle returned: the final sweep kills what
    /// is left at once instead of waiting out its grace period.
    let hurry = Latch()

    /// Catches every signal of the table from now until the process exits. Shutdown signals are
    /// this object's to deliver (the lifecycle is built with ``SignalPolicy/disabled``): kept
    /// until ``attach(_:)``, then handed to the lifecycle, then — once it has finished — used to
    /// hurry the sweep. So there is no moment at which a SIGTERM is lost or kills steward.
    /// `listen` false catches nothing (tests hand signals to ``receive(_:)`` themselves).
    init(logger: Logger, listen: Bool = true) throws(SystemError) {
        self.logger = logger
        guard listen else { return }
        _ = try SignalListener.shared.observe(Self.shutdown.union([SIGHUP])) { [weak self] number in
            self?.receive(number)
        }
        _ = try SignalListener.shared.observe(Self.ignored) { [logger] number in
            let level: LogLevel = number == SIGPIPE ? .debug : .info
            logger.log(level, "received \(SignalName.name(of: number)): ignored (steward run gives it no meaning)")
        }
    }

    /// Hands shutdown signals to `lifecycle` from now on, those that came before first (it then
    /// starts nothing and unwinds at once).
    func attach(_ lifecycle: Lifecycle) {
        let early = state.withLock { s -> [Int32] in
            s.lifecycle = lifecycle
            defer { s.early = [] }
            return s.early
        }
        for number in early { lifecycle.handleSignal(number) }
    }

    /// One signal of the shutdown set or SIGHUP, as it arrives (the signal listener's queue).
    func receive(_ number: Int32) {
        enum Action { case keep, deliver(Lifecycle), hurry(Int), ignoreHangup }
        let action = state.withLock { s -> Action in
            if number == SIGHUP {
                // The reload handler acts on it while the lifecycle runs; before and after: nothing.
                return s.lifecycle.map { $0.isFinished || $0.isShuttingDown } ?? true ? .ignoreHangup : .keep
            }
            guard let lifecycle = s.lifecycle else {
                s.early.append(number)
                return .keep
            }
            guard lifecycle.isFinished else { return .deliver(lifecycle) }
            s.lateSignals += 1
            return .hurry(s.lateSignals)
        }
        switch action {
        case .keep:
            if number != SIGHUP, state.withLock({ $0.lifecycle == nil }) {
                logger.notice("received \(SignalName.name(of: number)) while starting: nothing will be started")
            }
        case .deliver(let lifecycle):
            lifecycle.handleSignal(number)
        case .ignoreHangup:
            logger.info("received SIGHUP \(state.withLock { $0.lifecycle == nil } ? "while starting" : "while stopping"): ignored")
        case .hurry(1):
            logger.warning("received \(SignalName.name(of: number)) while finishing: SIGKILL to every process left")
            hurry.fire()
        case .hurry:
            logger.info("received \(SignalName.name(of: number)) again while finishing: already hurrying")
        }
    }
}
