import StewardCore
import StewardSupervisor
#if canImport(Glibc)
import Glibc
#endif

/// The commands that talk to a running steward over its control socket: `status`, `start`,
/// `stop`, `restart`, `signal`, `logs`, `wait`, `reload`, `shutdown`, `health`, `jobs`,
/// `run stop`, and the job actions of ``JobActionCommand`` (`trigger`, `jobs enable|disable|reset|reschedule`,
/// `run retry`) — and `runs`, `run show`, `run logs`, `run wait`, which read the journal file
/// itself (see ``JournalCommand``).
///
/// Every one takes `--socket PATH` or `--config FILE` (the socket named by that config);
/// otherwise `STEWARD_SOCKET`, otherwise the default path (see
/// ``ControlEndpoint/defaultSocketPath(environment:uid:)``).
public enum ControlCommand {
    /// One parsed control command.
    public struct Options: Sendable, Equatable {
        /// What to do.
        public var action: Action
        /// `--socket`.
        public var socket: String?
        /// `--config`.
        public var config: String?
        /// `--journal` (`runs`, `run show`, `run logs`).
        public var journal: String? = nil
        /// `--tag` (`jobs`, `runs`): only jobs carrying it, or their runs.
        public var tag: String? = nil
    }

    /// What to ask steward.
    public enum Action: Sendable, Equatable {
        case status(json: Bool)
        case start(String), stop(String), restart(String)
        case signal(String, Int32)
        case logs(String, follow: Bool, lines: Int?)
        case wait(timeout: Duration?)
        case reload, shutdown, health
        case jobs(json: Bool)
        case trigger(String, body: String = "{}", output: JobActionCommand.Output = .text)
        case jobChange(String, String)
        case reschedule(String, body: String)
        case runWait(String, timeout: Duration?)
        case runRetry(String)
        case runs(job: String?, state: String?, since: String?, limit: String?, json: Bool)
        case runShow(String, json: Bool)
        case runLogs(String, follow: Bool)
        case runStop(String)
        case audit(limit: Int?, json: Bool)
        case nodes(json: Bool)
    }

    /// The commands this type handles (`run show|logs|stop` are routed here by ``StewardMain``).
    public static let commands: Set<String> = Set(["status", "start", "stop", "restart", "signal", "logs", "wait", "reload", "shutdown",
                                                   "health", "jobs", "trigger", "runs", "run show", "run logs", "run stop", "audit", "nodes"])
        .union(JobActionCommand.commands)

    /// Parses the arguments after `command`.
    public static func parse(_ command: String, _ arguments: [String]) throws(CommandLineError) -> Options {
        if JobActionCommand.commands.contains(command) { return try JobActionCommand.parse(command, arguments) }
        var socket: String?
        var config: String?
        var journal: String?
        var tag: String?
        var flags: Set<String> = []
        var lines: Int?
        var timeout: Duration?
        var filters: [String: String] = [:]
        var positional: [String] = []
        var index = 0
        func value(_ flag: String) throws(CommandLineError) -> String {
            index += 1
            guard index < arguments.count else { throw CommandLineError("\(command): \(flag) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--socket": socket = try value(argument)
            case "--config", "-c": config = try value(argument)
            case "--journal" where JournalCommand.commands.contains(command) || command == "audit" || command == "nodes":
                journal = try value(argument)
            case "--tag" where ["jobs", "runs"].contains(command):
                let text = try value(argument)
                guard ProcessConfig.isValidName(text) else {
                    throw CommandLineError("\(command): --tag expects a tag (letters, digits, \"_\", \".\" and \"-\"), got \"\(text)\"")
                }
                tag = text
            case "--json" where ["status", "jobs", "runs", "run show", "audit", "nodes"].contains(command),
                 "-f" where ["logs", "run logs"].contains(command), "--follow" where ["logs", "run logs"].contains(command):
                flags.insert(argument == "--follow" ? "-f" : argument)
            case "--job" where command == "runs", "--state" where command == "runs", "--since" where command == "runs",
                 "--limit" where command == "runs" || command == "audit":
                filters[String(argument.dropFirst(2))] = try value(argument)
            case "-n" where command == "logs", "--lines" where command == "logs":
                let text = try value(argument)
                guard let count = Int(text), count >= 0 else { throw CommandLineError("logs: \(argument) expects a count, got \"\(text)\"") }
                lines = count
            case "--timeout" where command == "wait":
                let text = try value(argument)
                guard let parsed = try? Duration(parsing: text) else {
                    throw CommandLineError("wait: --timeout expects a duration such as 30s or 2m, got \"\(text)\"")
                }
                timeout = parsed
            default:
                guard !argument.hasPrefix("-") || argument == "-" || Int(argument) != nil else {
                    throw CommandLineError("\(command): unknown option \(argument)")
                }
                positional.append(argument)
            }
            index += 1
        }
        func names(_ count: Int, _ usage: String) throws(CommandLineError) -> [String] {
            guard positional.count == count else { throw CommandLineError("\(command): usage: steward \(command) \(usage)") }
            return positional
        }
        let action: Action
        switch command {
        case "status": _ = try names(0, "[--json]"); action = .status(json: flags.contains("--json"))
        case "start": action = .start(try names(1, "NAME")[0])
        case "stop": action = .stop(try names(1, "NAME")[0])
        case "restart": action = .restart(try names(1, "NAME")[0])
        case "signal":
            let given = try names(2, "NAME SIGNAL")
            guard let number = Int32(given[1]) ?? SignalName.number(of: given[1]), number > 0, number < 65 else {
                throw CommandLineError("signal: unknown signal \"\(given[1])\" (use a name such as HUP or USR1, or a number)")
            }
            action = .signal(given[0], number)
        case "logs": action = .logs(try names(1, "NAME [-f] [-n N]")[0], follow: flags.contains("-f"), lines: lines)
        case "wait": _ = try names(0, "[--timeout D]"); action = .wait(timeout: timeout)
        case "reload": _ = try names(0, ""); action = .reload
        case "shutdown": _ = try names(0, ""); action = .shutdown
        case "health": _ = try names(0, ""); action = .health
        case "jobs": _ = try names(0, "[--tag T] [--json]"); action = .jobs(json: flags.contains("--json"))
        case "runs":
            _ = try names(0, "[--job J] [--tag T] [--state S] [--since T] [--limit N] [--json] [--journal FILE]")
            action = .runs(job: filters["job"], state: filters["state"], since: filters["since"], limit: filters["limit"],
                           json: flags.contains("--json"))
        case "run show": action = .runShow(try names(1, "ID [--json]")[0], json: flags.contains("--json"))
        case "run logs": action = .runLogs(try names(1, "ID [-f]")[0], follow: flags.contains("-f"))
        case "run stop": action = .runStop(try names(1, "ID")[0])
        case "audit":
            _ = try names(0, "[--limit N] [--json] [--journal FILE]")
            let limit = try filters["limit"].map { text throws(CommandLineError) -> Int in
                guard let count = Int(text), count > 0 else { throw CommandLineError("audit: --limit expects a positive count, got \"\(text)\"") }
                return count
            }
            action = .audit(limit: limit, json: flags.contains("--json"))
        case "nodes": _ = try names(0, "[--journal URL] [--json]"); action = .nodes(json: flags.contains("--json"))
        default: throw CommandLineError("unknown command \"\(command)\"")
        }
        return Options(action: action, socket: socket, config: config, journal: journal, tag: tag)
    }

    /// The socket to talk to, from the options, the environment or the default.
    static func socketPath(_ options: Options, environment: [String: String]) throws(ControlClient.Failure) -> String {
        if let socket = options.socket { return socket }
        if let path = options.config {
            do throws(ConfigIssues) {
                let config = try SupervisorConfigLoader.load(path: path)
                if let control = config.control { return control.socketPath }
            } catch {
                throw ControlClient.Failure(description: "\(path): \(error.issues.count) problem(s); first: \(error.issues.first.map { "\($0)" } ?? "")")
            }
        }
        return ControlEndpoint.defaultSocketPath(environment: environment, uid: getuid())
    }
}
