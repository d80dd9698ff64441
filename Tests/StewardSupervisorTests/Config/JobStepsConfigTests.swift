import Foundation
import Testing
@testable import StewardSupervisor

/// `jobs.NAME.steps`, `onSuccess`, `onFailure` and `hookTimeout`: bad input first.
@Suite("Config: job steps and hooks")
struct JobStepsConfigTests {
    @Test("a job needs command or steps, never both; steps must be a non-empty array of step objects")
    func commandOrSteps() {
        #expect(problems(in: #"{ jobs: { j: { every: "1m" } } }"#).contains { $0.hasPrefix("jobs.j.command: required key is missing (or \"steps\")") })
        #expect(problems(in: #"{ jobs: { j: { command: ["true"], steps: [{ command: ["true"] }] } } }"#)
            .contains { $0.hasPrefix("jobs.j.steps: a job has either \"command\" or \"steps\", not both") })
        #expect(problems(in: #"{ jobs: { j: { steps: [] } } }"#).contains { $0.hasPrefix("jobs.j.steps: must not be empty") })
        #expect(problems(in: #"{ jobs: { j: { steps: "true" } } }"#).contains { $0.hasPrefix("jobs.j.steps: expected an array of steps") })
    }

    @Test("each step's problems are reported at its index: missing command, unknown key, bad timeout, repeated names")
    func stepProblems() {
        let found = problems(in: #"""
            { jobs: { j: { steps: [
              { name: "a", command: ["true"], timout: "1s" },
              { name: "a", command: ["true"] },
              { name: "b" },
              { command: "true" },
              { command: ["true"], timeout: 5 },
              { name: "step7", command: ["true"] },
              { command: ["true"] },
            ] } } }
            """#)
        #expect(found.contains { $0.hasPrefix("jobs.j.steps[0].timout: unknown key (expected one of: command, cwd, env, name, timeout)") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("jobs.j.steps[1].name: step name \"a\" is repeated") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("jobs.j.steps[2].command: required key is missing") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("jobs.j.steps[3].command: expected an array of strings") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("jobs.j.steps[4].timeout: expected a duration string") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("jobs.j.steps[6]: the default name \"step7\" is taken") }, "\(found)")
    }

    @Test("hooks are argvs and hookTimeout a positive duration")
    func hookProblems() {
        let found = problems(in: #"{ jobs: { j: { command: ["true"], onSuccess: "notify", onFailure: [], hookTimeout: "0s" } } }"#)
        #expect(found.contains { $0.hasPrefix("jobs.j.onSuccess: expected an array of strings (an argv)") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("jobs.j.onFailure: must not be empty") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("jobs.j.hookTimeout: must be longer than 0s") }, "\(found)")
    }

    @Test("steps, their defaults, and hooks decode; cwd resolves against the config's directory")
    func decodes() throws {
        let config = try parseConfig(#"""
            { jobs: { j: { cwd: "work", env: { A: "job" }, onSuccess: ["ok.sh"], onFailure: ["sh", "-c", "alert"], hookTimeout: "5s",
              steps: [
                { name: "fetch", command: ["fetch"], cwd: "/data", env: { A: "step" }, timeout: "2m" },
                { command: ["load"] },
              ] } } }
            """#)
        let job = try #require(config.jobs.first)
        #expect(job.command.isEmpty)
        #expect(job.steps == [
            JobStepConfig(name: "fetch", command: ["fetch"], workingDirectory: "/data", environment: ["A": "step"], timeout: .seconds(120)),
            JobStepConfig(name: "step2", command: ["load"]),
        ])
        #expect(job.onSuccess == ["ok.sh"])
        #expect(job.onFailure == ["sh", "-c", "alert"])
        #expect(job.hookTimeout == .seconds(5))
        let second = ConfiguredJobs.stepCommand(job.steps[1], of: job, environment: ["A": "steward", "B": "steward"])
        #expect(second.workingDirectory == "/srv/app/work")
        #expect(second.environment == ["A": "job", "B": "steward"])
        let first = ConfiguredJobs.stepCommand(job.steps[0], of: job, environment: [:])
        #expect(first.environment["A"] == "step")
        #expect(first.timeout == .seconds(120))
    }
}
