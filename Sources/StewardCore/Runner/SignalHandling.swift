#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// First shutdown signal: graceful. Second: forced. Third: exit at once with 128 + n.
extension Engine {
    /// Signals are counted and acted on directly on the signal listener's queue, not in a task:
    /// escalation must work even when every thread of the cooperative pool is blocked.
    func startSignalHandling() {
        let policy = options.signals
        guard !policy.shutdownSignals.isEmpty else { return }
        do {
            let token = try SignalListener.shared.observe(policy.shutdownSignals) { [weak self] number in
                guard let self else { return }
                let count = self.state.withLock { s in
                    s.signalCount += 1
                    return s.signalCount
                }
                self.handleSignal(number, count: count, escalates: policy.escalates)
            }
            state.withLock { $0.signalToken = token }
        } catch {
            logger.error("signal handling unavailable", metadata: ["error": "\(error)"])
        }
    }

    func handleSignal(_ number: Int32, count: Int, escalates: Bool) {
        let name = SignalName.name(of: number)
        switch count {
        case 1:
            logger.notice("received \(name): shutting down gracefully"
                + (escalates ? " (send it again to force, a third time to exit at once)" : ""))
            requestShutdown(.signal(number))
        case 2 where escalates:
            logger.warning("received \(name) again: forcing shutdown")
            force()
        case 3... where escalates:
            logger.critical("received \(name) a third time: exiting now", metadata: ["exit_code": "\(128 + number)"])
            OutputQueue.flushStandard(timeout: .milliseconds(200))  // that line, at least, if the output drains
            _exit(128 + number)  // at once: no atexit handlers racing the threads still running
        default:
            logger.info("received \(name): shutdown already in progress")
        }
    }
}
