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
/// | SIGHUP | reload the config (during the shutdown: nothing) |
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
        .union(Set(steward_signal_realtime_min()...steward_signal_realtime_max()))

    private struct State {
        /// Set once the lifecycle has returned: shutdown signals now hurry the final sweep.
        var finishing = false
        var lateSignals = 0
    }

    private let state = Mutex(State())
    private let logger: Logger
    /// Fires on the first shutdown signal after the lifecycle returned: the final sweep kills what
    /// is left at once instead of waiting out its grace period.
    let hurry = Latch()
    private let tokens: Mutex<[SignalListener.Token]>

    /// Catches every signal of the table (the runner and the reload handler subscribe to theirs
    /// on top; this subscription keeps them caught after those are gone).
    init(logger: Logger) throws(SystemError) {
        self.logger = logger
        tokens = Mutex([])
        let late = try SignalListener.shared.observe(Self.shutdown.union([SIGHUP])) { [weak self] number in
            self?.late(number)
        }
        let ignored = try SignalListener.shared.observe(Self.ignored) { [logger] number in
            let level: LogLevel = number == SIGPIPE ? .debug : .info
            logger.log(level, "received \(SignalName.name(of: number)): ignored (steward run gives it no meaning)")
        }
        tokens.withLock { $0 = [late, ignored] }
    }

    /// The lifecycle has returned: from now on a shutdown signal hurries the final sweep.
    func finishing() {
        state.withLock { $0.finishing = true }
    }

    private func late(_ number: Int32) {
        let count = state.withLock { s -> Int? in
            guard s.finishing else { return nil }
            if number != SIGHUP { s.lateSignals += 1 }
            return s.lateSignals
        }
        guard let count else { return }  // the runner (or the reload handler) acts on it
        if number == SIGHUP {
            logger.info("received SIGHUP while finishing: ignored")
        } else if count == 1 {
            logger.warning("received \(SignalName.name(of: number)) while finishing: SIGKILL to every process left")
            hurry.fire()
        } else {
            logger.info("received \(SignalName.name(of: number)) again while finishing: already hurrying")
        }
    }
}
