import StewardControl
import StewardCore
import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The operator's job and run actions: `trigger JOB [--at T | --in D] [--input JSON] [--parent ID]
/// [--json | -q]`, `jobs enable|disable|reset JOB`, `jobs reschedule JOB (--schedule CRON | --every D
/// | --at T) [--zone Z] [--start T] [--end T]`, `run retry ID` (over the control socket) and `run
/// wait ID [--timeout D]` (reading the journal). Every value is checked here, so bad input is a
/// usage error (exit 64) naming the option, and nothing is sent.
public enum JobActionCommand {
    /// The commands parsed here.
    static let commands: Set<String> = ["trigger", "jobs enable", "jobs disable", "jobs reset", "jobs reschedule", "run wait", "run retry"]

    /// How `trigger` prints the new run.
    public enum Output: Sendable, Equatable {
        /// `JOB: run ID STATE`.
        case text
        /// The answer's JSON: `{"runId": …, "state": …}`.
        case json
        /// The run id alone.
        case quiet
    }

    /// Parses the arguments after `command`.
    static func parse(_ command: String, _ arguments: [String], now: Date = Date()) throws(CommandLineError) -> ControlCommand.Options {
        var options = ControlCommand.Options(action: .reload, socket: nil, config: nil)
        var values: [String: String] = [:]
        var output = Output.text
        var positional: [String] = []
        let accepted: [String: Set<String>] = [
            "trigger": ["--at", "--in", "--input", "--parent"],
            "jobs reschedule": ["--schedule", "--every", "--at", "--zone", "--start", "--end"],
            "run wait": ["--timeout"],
        ]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            func value() throws(CommandLineError) -> String {
                index += 1
                guard index < arguments.count else { throw CommandLineError("\(command): \(argument) needs a value") }
                return arguments[index]
            }
            switch argument {
            case "--socket": options.socket = try value()
            case "--config", "-c": options.config = try value()
            case "--journal" where command == "run wait": options.journal = try value()
            case "--json" where command == "trigger": output = .json
            case "-q" where command == "trigger", "--quiet" where command == "trigger": output = .quiet
            case _ where accepted[command]?.contains(argument) == true:
                guard values[argument] == nil else { throw CommandLineError("\(command): \(argument) given twice") }
                values[argument] = try value()
            default:
                guard !argument.hasPrefix("-") || argument == "-" else { throw CommandLineError("\(command): unknown option \(argument)") }
                positional.append(argument)
            }
            index += 1
        }
        let usage = [
            "trigger": "JOB [--at TIME | --in DURATION] [--input JSON] [--parent RUNID] [--json | -q]",
            "jobs reschedule": "JOB (--schedule CRON | --every D | --at TIME) [--zone Z] [--start TIME] [--end TIME]",
            "run wait": "ID [--timeout D]", "run retry": "ID",
        ][command] ?? "JOB"
        guard positional.count == 1 else { throw CommandLineError("\(command): usage: steward \(command) \(usage)") }
        let target = positional[0]
        switch command {
        case "trigger":
            options.action = .trigger(target, body: try triggerBody(values, now: now), output: output)
        case "jobs reschedule":
            let change = ScheduleOverride(cron: values["--schedule"], every: values["--every"], at: values["--at"], zone: values["--zone"],
                                          start: values["--start"], end: values["--end"])
            do throws(ScheduleError) {
                let resolved = try change.resolved(defaultZone: .current, now: now)
                if resolved.schedule.nextFire(after: now) == nil {
                    throw ScheduleError(.invalidValue, "\(change.at != nil ? "at" : "end"): the schedule has no fire after now")
                }
            } catch {
                let named = ["schedule:", "every:", "at:", "zone:", "start:", "end:"].contains { error.message.hasPrefix($0) }
                throw CommandLineError("\(command): " + (named ? "--" : "") + error.message)
            }
            var body: [String: JobValue] = [:]
            for (flag, key) in [("--schedule", "schedule"), ("--every", "every"), ("--at", "at"), ("--zone", "zone"), ("--start", "start"), ("--end", "end")] {
                if let text = values[flag] { body[key] = .string(text) }
            }
            options.action = .reschedule(target, body: JobValue.object(body).jsonText)
        case "run wait":
            var timeout: Duration?
            if let text = values["--timeout"] {
                guard let parsed = try? Duration(parsing: text), parsed >= .zero else {
                    throw CommandLineError("run wait: --timeout: expected a duration such as 30s or 10m, got \"\(text)\"")
                }
                timeout = parsed
            }
            options.action = .runWait(target, timeout: timeout)
        case "run retry":
            options.action = .runRetry(target)
        default:
            options.action = .jobChange(target, String(command.dropFirst("jobs ".count)))
        }
        return options
    }

    /// The `POST /jobs/NAME/trigger` body for the options, each checked (naming the option).
    private static func triggerBody(_ values: [String: String], now: Date) throws(CommandLineError) -> String {
        var body: [String: JobValue] = [:]
        if values["--at"] != nil && values["--in"] != nil { throw CommandLineError("trigger: --at and --in exclude each other") }
        do throws(JobActionRequest.Problem) {
            if let text = values["--at"] { body["at"] = .string(InstantText.format(try JobActionRequest.instant("--at", text, now: now))) }
            if let text = values["--in"] {
                _ = try JobActionRequest.later("--in", text, now: now)
                body["in"] = .string(text)
            }
        } catch {
            throw CommandLineError("trigger: \(error)")
        }
        if let text = values["--input"] {
            do throws(JobValueParseError) {
                body["input"] = try JobValue(jsonText: text)
            } catch {
                throw CommandLineError("trigger: --input: expected JSON such as '{\"day\": \"2026-12-01\"}' (\(error))")
            }
        }
        if let parent = values["--parent"] {
            guard !parent.isEmpty else { throw CommandLineError("trigger: --parent: expected a run id") }
            body["parent"] = .string(parent)
        }
        return JobValue.object(body).jsonText
    }
}
