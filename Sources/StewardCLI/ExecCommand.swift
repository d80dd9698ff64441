import CStewardSystem
import StewardCore
import StewardProcesses
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `steward exec [--group] [--grace D] [--] CMD ARGS…`: a tini/dumb-init drop-in for one child.
///
/// Forwards every catchable signal to the child (to its whole process group with `--group`),
/// reaps every zombie (as PID 1, or as a child subreaper otherwise), and exits with the child's
/// exit code or 128 + n if a signal killed it, after a final sweep of leftover descendants.
public enum ExecCommand {
    /// Parsed arguments.
    public struct Options: Sendable, Equatable {
        /// Signal the child's process group rather than the child alone.
        public var group = false
        /// Grace period of the final sweep between SIGTERM and SIGKILL. Default 5 s.
        public var grace: Duration = .seconds(5)
        /// The command to run.
        public var command: [String] = []

        /// Creates options; defaults as documented on each property.
        public init(group: Bool = false, grace: Duration = .seconds(5), command: [String] = []) {
            self.group = group
            self.grace = grace
            self.command = command
        }
    }

    /// Signals that are forwarded: every catchable one except SIGCHLD (ours to reap with) and the
    /// synchronous faults, which concern steward itself; real-time signals included.
    public static let forwarded: Set<Int32> = Set(1...31).subtracting([SIGKILL, SIGSTOP, SIGCHLD, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS])
        .union(SignalName.realtime)
    /// Signals that, once the child has exited, hurry the final sweep (SIGKILL to what is left).
    static let hurrying: Set<Int32> = [SIGTERM, SIGINT, SIGQUIT, SIGHUP]

    /// Parses `[--group] [--grace D] [--] CMD ARGS…`.
    public static func parse(_ arguments: [String]) throws(CommandLineError) -> Options {
        var options = Options()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { index += 1; break }
            if argument == "--group" || argument == "-g" { options.group = true; index += 1; continue }
            if argument == "--grace" {
                guard index + 1 < arguments.count else { throw CommandLineError("--grace needs a duration, e.g. --grace 10s") }
                do { options.grace = try Duration(parsing: arguments[index + 1]) } catch {
                    throw CommandLineError("--grace: \(error)")
                }
                index += 2
                continue
            }
            if argument.hasPrefix("-") { throw CommandLineError("exec: unknown option \(argument) (use -- before a command that starts with -)") }
            break
        }
        options.command = Array(arguments[index...])
        guard !options.command.isEmpty else { throw CommandLineError("exec: no command given (usage: steward exec [--group] [--grace D] [--] CMD ARGS…)") }
        return options
    }

    /// Runs the child to completion and returns the exit code steward should exit with.
    ///
    /// On a terminal (standard input is one, and steward's group is its foreground), the child's
    /// group gets the terminal's foreground before it runs and steward takes it back when it ends,
    /// as tini does: an interactive program can read it. When the child is stopped by job control
    /// (Ctrl-Z), steward takes the terminal back and stops itself, so the shell above sees its job
    /// stopped; when continued (`fg`), it hands the terminal to the child again and continues it.
    public static func run(_ options: Options, environment: [String: String], logger: Logger) async -> Int32 {
        let reaper = Reaper.shared
        StewardMain.adoptOrphans(reaper, logger: logger)
        let terminal: Int32? = isatty(0) == 1 && tcgetpgrp(0) == getpgrp() ? 0 : nil
        // Catch the signals before the child exists: one sent the moment it starts must be
        // forwarded, not kill steward with its default disposition. Early ones wait in `early`.
        // They stay caught until steward returns: after the child, they hurry the final sweep.
        let target = Mutex<(handle: ChildProcessHandle?, early: [Int32], exited: Bool)>((nil, [], false))
        let hurry = Latch()
        let token: SignalListener.Token?
        do {
            token = try SignalListener.shared.observe(forwarded) { number in
                let (handle, exited) = target.withLock { t -> (ChildProcessHandle?, Bool) in
                    if t.handle == nil, !t.exited { t.early.append(number) }
                    return (t.handle, t.exited)
                }
                if exited {
                    if hurrying.contains(number) { hurry.fire() }
                    return
                }
                // On a terminal, a continued steward (`fg` gave it the terminal) hands the terminal
                // to the child before continuing it, as a shell does with a job.
                if let terminal, number == SIGCONT, let handle {
                    if tcgetpgrp(terminal) == getpgrp() { _ = steward_terminal_give(terminal, handle.pid) }
                    handle.signal(SIGCONT, toGroup: true)
                    return
                }
                handle?.signal(number, toGroup: options.group)
            }
        } catch {
            logger.error("cannot forward signals: \(error)")
            token = nil
        }
        defer { if let token { SignalListener.shared.removeObserver(token) } }
        let handle: ChildProcessHandle
        do {
            try reaper.start()
            var request = SpawnRequest(arguments: options.command, environment: environment, grouping: .processGroup)
            request.foregroundTerminal = terminal
            handle = try reaper.spawn(request)
        } catch {
            // The child may have taken the terminal before it failed (a bad cwd, an exec error).
            if let terminal { _ = steward_terminal_take(terminal) }
            logger.error("cannot start \(options.command[0]): \(error)")
            return ExitCodes.cannotStart
        }
        if let terminal {
            handle.onStop { _ in
                // The child stopped (Ctrl-Z; or, in the background, a read of the terminal): the
                // job stops with it, so the shell sees it stopped and its `fg` continues steward.
                // Only a child that has the terminal gives it back (to steward's group, the job).
                if tcgetpgrp(terminal) == handle.pid { _ = steward_terminal_take(terminal) }
                raise(SIGSTOP)  // returns once continued (`fg`, or `bg`, or SIGCONT)
                // `fg` gave steward the terminal: the child gets it again. After `bg` the job runs
                // in the background, and the child with it.
                if tcgetpgrp(terminal) == getpgrp() { _ = steward_terminal_give(terminal, handle.pid) }
                handle.signal(SIGCONT, toGroup: true)
            }
        }
        let early = target.withLock { t -> [Int32] in
            t.handle = handle
            defer { t.early = [] }
            return t.early
        }
        for number in early { handle.signal(number, toGroup: options.group) }
        let status = await handle.waitForExit() ?? .exited(ExitCodes.failure)
        target.withLock { $0.exited = true }
        // Take the terminal back only from the child: when the job runs in the background, the
        // terminal is the shell's and stays so.
        if let terminal, tcgetpgrp(terminal) == handle.pid { _ = steward_terminal_take(terminal) }
        let sweep = await FinalSweep.run(grace: options.grace, reaper: reaper, logger: logger, hurry: { hurry.isFired })
        if !sweep.terminated.isEmpty { logger.notice("final sweep: \(sweep)") }
        return status.exitCode
    }
}
