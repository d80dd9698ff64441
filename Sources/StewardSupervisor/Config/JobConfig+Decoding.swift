import StewardCore
import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension JobConfig {
    /// The keys of a job object.
    static let keys = [
        "command", "description", "enabled", "schedule", "every", "at", "zone", "timeout", "overlap", "misfire",
        "misfireCap", "misfireThreshold", "retries", "retryBackoff", "env", "cwd", "stopSignal", "stopTimeout",
        "start", "end", "tags",
        "steps", "onSuccess", "onFailure", "hookTimeout",  // i13-runs-config
    ]

    /// Reads the job `name`, reporting every problem (a cron expression's with its field and
    /// column; an unknown zone by name). `defaultZone` is the config's `zone`.
    static func decode(_ node: ConfigNode, name: String, defaultZone: String?) -> JobConfig? {
        if !ProcessConfig.isValidName(name) {
            node.report("invalid job name (use letters, digits, \"_\", \".\" and \"-\")")
        }
        guard let object = node.object(keys: keys, misplaced: ["cron": "unknown key: a cron expression goes in \"schedule\"", "interval": "unknown key: an interval goes in \"every\""]) else { return nil }
        var job = JobConfig(name: name, command: [])
        decodeWork(object, node: node, into: &job)
        if let description = object["description"]?.string(nonEmpty: false) { job.description = description }
        if let enabled = object["enabled"]?.bool() { job.enabled = enabled }
        job.cron = object["schedule"]?.string()
        job.every = object["every"]?.string()
        job.at = object["at"]?.string()
        job.zone = object["zone"]?.string() ?? defaultZone
        job.start = object["start"]?.string()
        job.end = object["end"]?.string()
        if let tagsNode = object["tags"] { job.tags = decodeTags(tagsNode) }
        do throws(ScheduleError) {
            _ = try job.schedule(defaultZone: .current, anchor: .now)
        } catch {
            let culprit = error.setting ?? (error.cronError != nil ? "schedule" : (object.contains("every") ? "every" : object.contains("at") ? "at" : "zone"))
            (object[culprit] ?? object["zone"] ?? node).report(error.message)
        }
        if let timeout = object["timeout"]?.duration(positive: true) { job.timeout = timeout }
        if let overlapNode = object["overlap"], let text = overlapNode.string() {
            if let overlap = OverlapPolicy(name: text) { job.overlap = overlap } else {
                overlapNode.report("unknown overlap policy \"\(text)\" (skip, queueOne or allow)")
            }
        }
        let cap = object["misfireCap"]?.integer(atLeast: 1) ?? 10
        if let misfireNode = object["misfire"], let text = misfireNode.string() {
            switch text {
            case "fireOnceNow": job.misfire = .fireOnceNow
            case "skip": job.misfire = .skip
            case "runAll": job.misfire = .runAll(cap: cap)
            default: misfireNode.report("unknown misfire policy \"\(text)\" (fireOnceNow, skip or runAll)")
            }
        }
        if let threshold = object["misfireThreshold"]?.duration() { job.misfireThreshold = threshold }
        // Bounded because a run's attempts are retries + 1.
        if let retries = object["retries"]?.integer(atLeast: 0, atMost: JobConfig.maximumRetries) { job.retries = retries }
        if let backoff = object["retryBackoff"]?.duration(positive: true) { job.retryBackoff = backoff }
        if let environmentNode = object["env"] { job.environment = ProcessConfig.decodeEnvironment(environmentNode) }
        if let cwd = object["cwd"]?.string() { job.workingDirectory = node.session.resolve(cwd) }
        if let signalNode = object["stopSignal"], let signal = ProcessConfig.decodeSignal(signalNode) { job.stopSignal = signal }
        if let stopTimeout = object["stopTimeout"]?.duration() { job.stopTimeout = stopTimeout }
        return job
    }

    /// Reads `command` or `steps` (exactly one) and the hooks.
    private static func decodeWork(_ object: ConfigObject, node: ConfigNode, into job: inout JobConfig) {
        switch (object["command"], object["steps"]) {
        case (let command?, nil): job.command = command.argv() ?? []
        case (nil, let steps?): job.steps = JobStepConfig.decodeSteps(steps)
        case (_?, let steps?): steps.report("a job has either \"command\" or \"steps\", not both")
        case (nil, nil): node.session.report("required key is missing (or \"steps\")", at: node.path.appending("command"))
        }
        job.onSuccess = object["onSuccess"]?.argv()
        job.onFailure = object["onFailure"]?.argv()
        if let timeout = object["hookTimeout"]?.duration(positive: true) { job.hookTimeout = timeout }
    }

    /// The schedule this job's `schedule`/`every`/`at`/`zone` describe; `nil` = on demand only.
    /// - Parameter anchor: where `every` without `at` starts (when steward loaded the job).
    public func schedule(defaultZone: Zone, anchor: Date) throws(ScheduleError) -> (any Schedule)? {
        try ScheduleSpec.parse(cron: cron, every: every, at: at, zone: zone, defaultZone: defaultZone, anchor: anchor,
                               start: start, end: end)
    }
}
