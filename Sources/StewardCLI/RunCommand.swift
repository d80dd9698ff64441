import StewardControl
import StewardCore
import StewardHTTP
import StewardJournal
import StewardProcesses
import StewardSupervisor
#if canImport(Glibc)
import Glibc
#endif

/// `steward run CONFIG`: supervise the configured processes until a signal, or until a critical
/// process fails for good; then unwind, sweep leftover descendants, and exit with the code of the
/// README's table.
public enum RunCommand {
    /// Parses `CONFIG`: the config file's path.
    public static func parse(_ arguments: [String]) throws(CommandLineError) -> String {
        guard arguments.count == 1, let path = arguments.first, !path.hasPrefix("-") else {
            throw CommandLineError("run: expected exactly one config file (usage: steward run CONFIG)")
        }
        return path
    }

    /// Runs steward on the config at `path`; returns its exit code.
    public static func run(path: String, environment: [String: String], logger: Logger) async -> Int32 {
        let config: SupervisorConfig
        do {
            config = try SupervisorConfigLoader.load(path: path)
        } catch {
            StewardMain.writeIssues(error, in: path)
            return ExitCodes.config
        }
        // From here until steward returns, no signal ends it by its default disposition, and none
        // is lost: a SIGTERM before the processes start means none starts.
        let signals: RunSignals
        do { signals = try RunSignals(logger: logger) } catch {
            StewardMain.writeError("steward: cannot handle signals: \(error)")
            return ExitCodes.failure
        }
        var socketPath: String? = config.control?.socketPath ?? ControlEndpoint.defaultSocketPath(environment: environment, uid: getuid())
        if socketPath == ControlEndpoint.defaultSocketPath(environment: [:], uid: getuid()), getuid() != 0 {
            // The last-resort default lives in /tmp/steward-UID: made private, or refused.
            do { try PrivateDirectory.prepare(ControlEndpoint.privateDirectory(uid: getuid())) } catch {
                logger.warning("no control socket: \(error)")
                socketPath = nil
            }
        }
        // One steward per control socket, decided atomically by a lock beside it (two started at
        // the same instant cannot both pass), then a look at the journal's writer lock.
        var instance: LockFile?
        if let socketPath {
            do { instance = try LockFile(path: socketPath + ".lock") } catch {
                if case .held(_, let pid) = error {
                    return refuse("another steward (pid \(pid.map(String.init) ?? "?")) holds the control socket \(socketPath)")
                }
                logger.warning("cannot lock the control socket: \(error)")
            }
        }
        defer { instance?.release() }
        if let running = anotherSteward(config, socketPath: socketPath, environment: environment) {
            return refuse(running)
        }
        let reaper = Reaper.shared
        StewardMain.adoptOrphans(reaper, logger: logger)
        // Every child can reach this steward: `steward trigger child --parent "$STEWARD_RUN_ID"`.
        var environment = environment
        if let socketPath { environment["STEWARD_SOCKET"] = socketPath }
        let supervisor: Supervisor
        do {
            try reaper.start()
            supervisor = try Supervisor(config: config, path: path, environment: environment, logger: logger, reaper: reaper,
                                        signals: .disabled)
        } catch let issues as ConfigIssues {
            StewardMain.writeIssues(issues, in: path)
            return ExitCodes.config
        } catch {
            StewardMain.writeError("steward: \(error)")
            return ExitCodes.config
        }
        signals.attach(supervisor.lifecycle)
        let controlPlane: ControlPlane
        do {
            controlPlane = try await ControlPlane(supervisor: supervisor, http: config.http, socketPath: socketPath, logger: logger)
        } catch {
            StewardMain.writeError("steward: \(error)")
            return ExitCodes.failure
        }
        logger.info("supervising \(config.processes.count) process(es) from \(path)", metadata: ["pid": "\(getpid())"])
        let reloads = reloadOnHangup(supervisor, logger: logger)
        let report = await supervisor.lifecycle.run()
        // Shutdown signals stay caught (RunSignals): from now on they hurry the sweep.
        reloads?.cancel()
        let sweep = await FinalSweep.run(grace: .seconds(5), reaper: reaper, logger: logger, hurry: { signals.hurry.isFired })
        if !sweep.terminated.isEmpty { logger.notice("final sweep: \(sweep)") }
        await controlPlane.shutdown()
        let nonCritical = Set(config.processes.filter { !$0.critical }.map(\.name))
        let final = report.forgettingEarlyFailures(of: nonCritical)
        // A signal that hurried the sweep forced the end of the shutdown.
        let code = signals.hurry.isFired ? ExitCodes.forced : exitCode(for: final)
        if !final.isClean { StewardMain.writeError("\(final)") }
        logger.notice("steward exits", metadata: ["exit_code": "\(code)"])
        return code
    }

    /// Says why steward does not start (another one runs this config) and returns its exit code.
    static func refuse(_ reason: String) -> Int32 {
        StewardMain.writeError("steward: \(reason); not starting a second one (exit \(ExitCodes.alreadyRunning))")
        return ExitCodes.alreadyRunning
    }

    /// Another steward already running this config: one listening on its control socket (one
    /// from before the socket's lock), or one writing its journal (when it has jobs). Says which,
    /// with its pid; `nil` when there is none. Checked before anything starts, so a second
    /// steward started by mistake never runs a process or a job a second time.
    static func anotherSteward(_ config: SupervisorConfig, socketPath: String?, environment: [String: String]) -> String? {
        if let socketPath, let listener = PeerCredentials.ofListener(at: socketPath) {
            return "another steward (pid \(listener.pid)) is listening on the control socket \(socketPath)"
        }
        guard !config.jobs.isEmpty else { return nil }
        let settings = config.journal ?? JournalConfig()
        let journal = settings.resolvedPath(environment: environment, uid: getuid())
        // A default directory that is not steward's own proves nothing (another user may have
        // made it, lock file and all); the journal refuses it and says so.
        if settings.ownsDirectory(environment: environment) {
            let directory = String(journal[..<(journal.lastIndex(of: "/") ?? journal.startIndex)])
            do { try PrivateDirectory.check(directory) } catch { return nil }
        }
        if let writer = JournalOwner.writer(ofJournalAt: journal) {
            return "another steward (pid \(writer)) is writing the journal \(journal)"
        }
        return nil
    }

    /// SIGHUP re-reads the config and applies the difference, one reload at a time. SIGHUPs that
    /// arrive while a reload runs are coalesced into one more reload after it (a storm of them
    /// converges to the last config, once). A config with errors changes nothing: its problems
    /// are logged and the processes go on.
    static func reloadOnHangup(_ supervisor: Supervisor, logger: Logger) -> Task<Void, Never>? {
        let (hangups, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let token: SignalListener.Token
        do { token = try SignalListener.shared.observe([SIGHUP]) { _ in continuation.yield() } } catch {
            logger.warning("reload on SIGHUP unavailable", metadata: ["error": "\(error)"])
            return nil
        }
        continuation.onTermination = { _ in SignalListener.shared.removeObserver(token) }
        return Task {
            for await _ in hangups {
                guard !supervisor.lifecycle.isShuttingDown else { break }
                logger.notice("SIGHUP: reloading \(supervisor.configPath)")
                let outcome = await supervisor.reload()
                log(outcome, logger: logger)
                // Audited like `steward reload` (operations.md: every reload is recorded).
                await ControlAudit.record(supervisor, actor: "signal SIGHUP", action: "reload", target: "",
                                          detail: outcome.problems.isEmpty ? "\(outcome)" : "refused: \(outcome)")
            }
            continuation.finish()
        }
    }

    /// Logs a reload's outcome: a notice, or an error per problem.
    static func log(_ outcome: Reload.Outcome, logger: Logger) {
        if outcome.problems.isEmpty {
            logger.notice("\(outcome)")
        } else {
            logger.error("\(outcome)")
        }
    }

    /// 0 clean; the failing critical process's exit code when one brought steward down; else
    /// the report's code (128 + n after an unclean unwind following signal n, 1 otherwise).
    public static func exitCode(for report: LifecycleReport) -> Int32 {
        if report.isClean { return ExitCodes.success }
        if report.forced { return LifecycleReport.forcedExitCode }
        if report.cause == .failure,
           let exit = report.errors.lazy.compactMap({ $0.underlying as? ChildProcessExit }).first {
            return exit.status.exitCode == 0 ? ExitCodes.failure : exit.status.exitCode
        }
        return report.exitCode
    }
}

extension LifecycleReport {
    /// The report without the failures from before the shutdown began that steward already
    /// answered for:
    /// - a non-critical process that failed for good was allowed to (that is what
    ///   `critical: false` means), so it does not make a later clean shutdown unclean;
    /// - an addition by a reload that did not start (init or readiness failed) was reported by
    ///   that reload and rolled back, and the next reload tries it again.
    /// Both were logged when they happened. A startup failure (the shutdown's cause) is kept.
    func forgettingEarlyFailures(of components: Set<String>) -> LifecycleReport {
        let early = errors.count - unwindErrorCount
        let startupPhases: [LifecyclePhase] = [.inject, .initialize, .ready]
        let kept = errors.enumerated().filter { index, error in
            guard index < early else { return true }
            if components.contains(error.component) { return false }
            return cause == .failure || !startupPhases.contains(error.phase)
        }.map(\.element)
        return LifecycleReport(errors: kept, cause: cause, abandoned: abandoned, unwindErrorCount: unwindErrorCount, forced: forced)
    }
}
