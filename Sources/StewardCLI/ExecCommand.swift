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
    /// synchronous faults, which concern steward itself.
    public static let forwarded: Set<Int32> = Set(1...31).subtracting([SIGKILL, SIGSTOP, SIGCHLD, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS])

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
    public static func run(_ options: Options, environment: [String: String], logger: Logger) async -> Int32 {
        let reaper = Reaper.shared
        StewardMain.adoptOrphans(reaper, logger: logger)
        // Catch the signals before the child exists: one sent the moment it starts must be
        // forwarded, not kill steward with its default disposition. Early ones wait in `early`.
        let target = Mutex<(pid: Int32?, early: [Int32])>((nil, []))
        let token: SignalListener.Token?
        do {
            token = try SignalListener.shared.observe(forwarded) { number in
                let pid = target.withLock { t -> Int32? in
                    if t.pid == nil { t.early.append(number) }
                    return t.pid
                }
                if let pid { kill(pid, number) }
            }
        } catch {
            logger.error("cannot forward signals: \(error)")
            token = nil
        }
        let handle: ChildProcessHandle
        do {
            try reaper.start()
            handle = try reaper.spawn(SpawnRequest(arguments: options.command, environment: environment, grouping: .processGroup))
        } catch {
            if let token { SignalListener.shared.removeObserver(token) }
            logger.error("cannot start \(options.command[0]): \(error)")
            return ExitCodes.cannotStart
        }
        let pid = options.group ? -handle.pid : handle.pid
        let early = target.withLock { t -> [Int32] in
            t.pid = pid
            defer { t.early = [] }
            return t.early
        }
        for number in early { kill(pid, number) }
        let status = await handle.waitForExit() ?? .exited(ExitCodes.failure)
        if let token { SignalListener.shared.removeObserver(token) }
        let sweep = await FinalSweep.run(grace: options.grace, reaper: reaper, logger: logger)
        if !sweep.terminated.isEmpty { logger.notice("final sweep: \(sweep)") }
        return status.exitCode
    }
}
