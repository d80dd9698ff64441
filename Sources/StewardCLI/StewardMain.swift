import StewardCore
import StewardProcesses
import StewardSupervisor
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The `steward` program: dispatches a command line to its command and returns the exit code.
public enum StewardMain {
    /// The usage text.
    public static let usage = """
    usage: steward <command> [arguments]

    commands:
      run CONFIG                     supervise the processes of a config file (JSON5)
      check CONFIG                   validate a config file and what run needs from this machine;
                                     exit 0, or list every error and exit 78
      exec [--group] [--grace D] [--] CMD ARGS…
                                     run one command as PID 1 would (tini/dumb-init drop-in)
      cron EXPR [--zone Z] [--next N] [--after T] [--quartz]
                                     the next fire instants of a cron expression (5, 6 or 7 fields)
      ui --journal FILE [--listen HOST:PORT]
                                     the web monitor, read-only, of a journal file with no steward
                                     running (default 127.0.0.1:8700; open http://HOST:PORT/ui/)

    talking to a running steward (--socket PATH, --config FILE, or $STEWARD_SOCKET):
      status [--json]                every process: state, pid, uptime, restarts, readiness
      start|stop|restart NAME        act on one process (stop holds it down until start)
      signal NAME SIGNAL             send a signal (HUP, USR1, … or a number) to a process
      logs NAME [-f] [-n N]          a process's recent output; -f follows it
      wait [--timeout D]             return once steward is ready (exit 1 on timeout)
      health                         readiness with every check; exit 0 iff ready (HEALTHCHECK)
      reload                         re-read the config and apply the difference
      shutdown                       stop everything gracefully
      jobs [--tag T] [--json]        every job (or those tagged T): schedule, next fire, last run
      jobs enable|disable|reset JOB  turn a job's schedule on or off, or drop every runtime change
      jobs reschedule JOB (--schedule CRON | --every D | --at T) [--zone Z] [--start T] [--end T]
                                     give a job another schedule; runtime changes are kept in
                                     the journal and win until the job's config entry changes
                                     or `jobs reset`
      trigger JOB [--at T | --in D] [--input JSON] [--parent ID] [--json | -q]
                                     run a job now or later, with input (a command job gets it
                                     as JSON in $STEWARD_INPUT); -q prints the run id only
      runs [--job J] [--tag T] [--state S] [--since T] [--limit N] [--journal FILE|URL] [--json]
                                     recent runs, newest first (read from the journal)
      run show|logs|stop|retry ID [-f]
                                     one run's record, its log (-f follows it and exits with
                                     the run's code, as run wait), stop it, or run it again
                                     with the same input; ID may be a unique prefix
      run wait ID [--timeout D]      wait for a run to end; exit 0 succeeded, 1 failed,
                                     2 timedOut, 3 stopped/killed, 4 crashed, 5 interrupted,
                                     6 skipped/missed, 124 --timeout passed, 66 no such run
      audit [--limit N] [--journal FILE] [--json]
                                     operator actions, newest first: who asked what, when
      nodes [--journal URL] [--json] the stewards sharing a PostgreSQL journal: heartbeat age,
                                     running runs, version

      version                        print the version
      help                           print this text

    exit codes: 0 clean; the failing critical process's code; 128+n after signal n when the
    shutdown was not clean; 64 usage (one line naming the argument, then a hint);
    78 config errors; 127 a command could not be started
    """

    /// The version string.
    public static let version = ConfiguredJobs.version

    /// Runs `arguments` (without the program name) and returns the exit code.
    public static func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) async -> Int32 {
        let (logger, loggerProblems) = Logger.fromEnvironment(label: "steward", prefix: "STEWARD", environment: environment)
        guard loggerProblems.isEmpty else {
            // Not silently ignored: a wrong level would hide the very lines an operator needs.
            for problem in loggerProblems { writeError("steward: \(problem)") }
            return ExitCodes.config
        }
        guard let command = arguments.first else {
            writeError(usage)
            return ExitCodes.usage
        }
        // Parse synchronously (typed throws), then run without throwing: an async function with
        // typed-throws calls inside do/switch crashes Swift 6.3.1's optimizer (coroutine split).
        let invocation: Invocation
        do {
            invocation = try parse(command, Array(arguments.dropFirst()))
        } catch {
            writeError("steward: \(error)\nsee: steward help \(helpTopic(command, arguments.dropFirst().first))")
            return ExitCodes.usage
        }
        switch invocation {
        case .run(let path): return await RunCommand.run(path: path, environment: environment, logger: logger)
        case .check(let path): return CheckCommand.run(path: path, environment: environment)
        case .exec(let options): return await ExecCommand.run(options, environment: environment, logger: logger)
        case .control(let options):
            if JournalCommand.reads(options.action) { return await JournalCommand.run(options, environment: environment) }
            if case .audit(let limit, let json) = options.action {
                return AuditCommand.run(options, limit: limit, json: json, environment: environment)
            }
            return ControlCommand.run(options, environment: environment)
        case .cron(let options): return CronCommand.run(options, now: Date())
        case .ui(let options): return await UICommand.run(options, logger: logger)
        case .print(let text):
            print(text)
            return ExitCodes.success
        }
    }

    /// Whether `arguments` (without the program name) name a command that supervises — `run
    /// CONFIG` or `exec` — which the `steward` binary runs on ``StewardExecutor`` (one thread, no
    /// idle wake-ups). Every other command, and a command line that does not parse, runs on the
    /// default executor.
    public static func runsOnStewardExecutor(_ arguments: [String]) -> Bool {
        guard let command = arguments.first,
              let invocation = try? parse(command, Array(arguments.dropFirst())) else { return false }
        switch invocation {
        case .run, .exec: return true
        default: return false
        }
    }

    /// A parsed command line.
    enum Invocation {
        case run(String)
        case check(String)
        case exec(ExecCommand.Options)
        case control(ControlCommand.Options)
        case cron(CronCommand.Options)
        case ui(UICommand.Options)
        case print(String)
    }

    static func parse(_ command: String, _ rest: [String]) throws(CommandLineError) -> Invocation {
        switch command {
        case "run" where ["show", "logs", "stop", "wait", "retry"].contains(rest.first ?? ""),
             "jobs" where ["enable", "disable", "reset", "reschedule"].contains(rest.first ?? ""):
            return .control(try ControlCommand.parse(command + " " + rest[0], Array(rest.dropFirst())))
        case "run": return .run(try RunCommand.parse(rest))
        case "check": return .check(try CheckCommand.parse(rest))
        case "exec": return .exec(try ExecCommand.parse(rest))
        case _ where ControlCommand.commands.contains(command): return .control(try ControlCommand.parse(command, rest))
        case "cron": return .cron(try CronCommand.parse(rest, defaultZone: .current))
        case "ui": return .ui(try UICommand.parse(rest))
        case "version", "--version": return .print(version)
        case "help", "--help", "-h": return .print(rest.isEmpty ? usage : try help(rest.joined(separator: " ")))
        default: throw CommandLineError("unknown command \"\(command)\"")
        }
    }

    /// The usage lines of `topic` (a command such as `trigger` or `run wait`), with the lines
    /// that continue them.
    /// - Throws: ``CommandLineError`` for a topic no usage line names.
    static func help(_ topic: String) throws(CommandLineError) -> String {
        let wanted = topic.split(separator: " ").map(String.init)
        // Whether a usage line (`  run show|logs ID …`) documents the topic: its first word has
        // the command among its `|` alternatives and, for `run wait`, its second word the subcommand.
        func documents(_ line: Substring) -> Bool {
            let words = line.split(separator: " ").prefix(2).map { $0.split(separator: "|").map(String.init) }
            guard let command = wanted.first, words.first?.contains(command) == true else { return false }
            return wanted.count < 2 || (words.count > 1 && words[1].contains(wanted[1]))
        }
        var picked: [Substring] = []
        var taking = false
        for line in usage.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == " " }.count
            if indent == 2 {
                taking = documents(line.dropFirst(2))
            } else if indent <= 2 {
                taking = false
            }
            if taking { picked.append(line) }  // the command's line and the deeper ones continuing it
        }
        guard !picked.isEmpty else { throw CommandLineError("help: no command \"\(topic)\" (see: steward help)") }
        return "usage: steward <command> [arguments]\n\n" + picked.joined(separator: "\n")
    }

    /// What `steward help …` to suggest after a usage error in `command`.
    static func helpTopic(_ command: String, _ next: String?) -> String {
        let pairs: [String: Set<String>] = ["run": ["show", "logs", "stop", "wait", "retry"], "jobs": ["enable", "disable", "reset", "reschedule"]]
        if let next, pairs[command]?.contains(next) == true { return "\(command) \(next)" }
        return (try? help(command)) != nil ? command : ""
    }

    /// Prepares the reaper for a command that supervises children: orphans come to this process
    /// (as PID 1 or as a subreaper). Failing that is worth a warning, not an abort.
    static func adoptOrphans(_ reaper: Reaper, logger: Logger) {
        do { try reaper.becomeSubreaper() } catch {
            logger.warning("cannot become a child subreaper; orphans will not be reaped here", metadata: ["error": "\(error)"])
        }
    }

    /// Writes every problem of a config file to standard error, one per line (and how many more
    /// there are, past the ones kept).
    static func writeIssues(_ issues: ConfigIssues, in path: String) {
        let lines = issues.issues.map { "  \($0)" } + (issues.omitted > 0 ? ["  " + issues.omittedNote] : [])
        writeError("\(path): \(issues.count) problem(s)\n" + lines.joined(separator: "\n"))
    }

    /// Writes `text` and a newline to standard error, through its queue (never blocking: this
    /// also runs while steward supervises).
    public static func writeError(_ text: String) {
        OutputQueue.standardError.enqueue(Array((text + "\n").utf8))
    }
}
