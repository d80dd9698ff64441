import Foundation
import StewardJobs
import StewardJournal
import TestSupport
import Testing
@testable import StewardSupervisor

/// The keys of issue 13's schedules and scopes: a job's `start`, `end` and `tags`, and
/// `journal.retention.default`. Bad values are reported at their key.
@Suite("Config: job windows, tags and the default retention age", .timeLimit(.minutes(1)))
struct ScheduleScopeConfigTests {
    @Test("start and end with a cron schedule make a window; tags are kept in order")
    func decodes() throws {
        let config = try parseConfig("""
            { jobs: { report: { command: ["true"], schedule: "0 0 3 * * *", zone: "UTC", start: "2030-01-01T00:00:00Z",
                                end: "2030-02-01T00:00:00Z", tags: ["billing", "nightly"] } } }
            """)
        let job = try #require(config.jobs.first)
        #expect(job.start == "2030-01-01T00:00:00Z" && job.end == "2030-02-01T00:00:00Z")
        #expect(job.tags == ["billing", "nightly"])
        let schedule = try #require(try job.schedule(defaultZone: .current, anchor: Date()) as? WindowedSchedule)
        #expect(schedule.nextFire(after: Date(timeIntervalSince1970: 0)) == (try InstantText.parse("2030-01-01T03:00:00Z", zone: TimeZone(identifier: "UTC")!)))
        #expect(schedule.description.contains("from 2030-01-01T00:00:00Z, until 2030-02-01T00:00:00Z"))
    }

    @Test("bad start, end and tags are reported at their key")
    func badValuesNameTheKey() {
        func job(_ text: String) -> String { "{ jobs: { j: { command: [\"true\"], \(text) } } }" }
        #expect(problems(in: job(#"schedule: "@daily", start: "soon""#)).first?.hasPrefix("jobs.j.start: start: ") == true)
        #expect(problems(in: job(#"schedule: "@daily", start: "2030-02-01T00:00:00Z", end: "2030-01-01T00:00:00Z""#)).first?
            .hasPrefix("jobs.j.end: end 2030-01-01T00:00:00Z is before start 2030-02-01T00:00:00Z") == true)
        #expect(problems(in: job(#"end: "2030-01-01T00:00:00Z""#)).first?
            .hasPrefix("jobs.j.end: end bounds a recurring schedule: it needs schedule (cron) or every") == true)
        #expect(problems(in: job(#"at: "2030-01-01T00:00:00Z", start: "2030-01-01T00:00:00Z""#)).first?.hasPrefix("jobs.j.start:") == true)
        #expect(problems(in: job(#"start: 5, schedule: "@daily""#)).first?.hasPrefix("jobs.j.start: expected a string, found") == true)
        #expect(problems(in: job(#"tags: "billing""#)).first?.hasPrefix("jobs.j.tags: expected an array of strings") == true)
        #expect(problems(in: job(#"tags: ["billing", "bill ing", "billing", 3]"#)) == [
            #"jobs.j.tags[1]: invalid tag "bill ing" (use letters, digits, "_", "." and "-") (line 1, column 53)"#,
            #"jobs.j.tags[2]: duplicate tag "billing" (line 1, column 65)"#,
            "jobs.j.tags[3]: expected a string, found a number (3) (line 1, column 76)",
        ])
    }

    @Test("retention.default gives every final state one age; the per-state keys override it; a bad value names the key")
    func retentionDefault() throws {
        let config = try parseConfig(#"{ journal: { retention: { default: "10h", failed: "2d" } } }"#)
        let ages = try #require(config.journal?.retention.maximumAge)
        for state in RunState.allCases where state.isFinal {
            #expect(ages[state] == (state == .failed ? .seconds(2 * 86_400) : .seconds(36_000)), "\(state)")
        }
        #expect(config.journal?.retention.auditAge == .seconds(2 * 86_400))
        #expect(try parseConfig(#"{ journal: { retention: { keepLast: 5 } } }"#).journal?.retention.maximumAge == RetentionPolicy.defaultAges)
        #expect(problems(in: #"{ journal: { retention: { default: "0s" } } }"#) == [
            "journal.retention.default: must be longer than 0s (line 1, column 27)",
        ])
        #expect(problems(in: #"{ journal: { retention: { default: 36000 } } }"#).first?.hasPrefix("journal.retention.default: expected a duration string") == true)
    }

    @Test("an at in the past is a warning of check, naming the key and what start will do with it; a future at or an every anchor is not")
    func pastAtWarning() throws {
        let config = try parseConfig("""
            { jobs: { gone: { command: ["true"], at: "2020-01-01T00:00:00Z" },
                      skipped: { command: ["true"], at: "2020-01-01T00:00:00Z", misfire: "skip" },
                      later: { command: ["true"], at: "2999-01-01T00:00:00Z" },
                      anchored: { command: ["true"], every: "1h", at: "2020-01-01T00:00:00Z" } } }
            """)
        let warnings = config.warnings(now: Date()).map(\.description)
        #expect(warnings == [
            "jobs.gone.at: 2020-01-01T00:00:00Z is in the past: when steward starts, it runs once now (misfire: \"fireOnceNow\"), unless a steward already handled it",
            "jobs.skipped.at: 2020-01-01T00:00:00Z is in the past: when steward starts, it is recorded as a missed run (misfire: \"skip\"), unless a steward already handled it",
        ])
    }

    /// Found in review: within misfireThreshold a past `at` is on time and runs, whatever the
    /// policy; the warning said "recorded as a missed run".
    @Test("an at late by less than misfireThreshold runs at once, and the warning says so")
    func pastAtWithinThreshold() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let config = try parseConfig("""
            { jobs: { recent: { command: ["true"], at: "\(InstantText.format(now.addingTimeInterval(-10)))", misfire: "skip" },
                      older: { command: ["true"], at: "\(InstantText.format(now.addingTimeInterval(-10)))", misfire: "skip", misfireThreshold: "5s" } } }
            """)
        let warnings = config.warnings(now: now).map(\.description)
        #expect(warnings.count == 2)
        #expect(warnings.first { $0.hasPrefix("jobs.recent.at") }?.contains("it runs at once (it is late by less than misfireThreshold 1m)") == true, "\(warnings)")
        #expect(warnings.first { $0.hasPrefix("jobs.older.at") }?.contains("recorded as a missed run") == true, "\(warnings)")
    }

    @Test("steward check prints the warning and still exits 0")
    func checkWarnsButPasses() async throws {
        let directory = try TemporaryDirectory("check-warning")
        let config = directory.file("steward.json5")
        try """
            { journal: { path: "journal.sqlite" }, jobs: { gone: { command: ["true"], at: "2020-01-01T00:00:00Z" } } }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let program = try ChildProgram([ChildProgram.buildDirectory + "/steward", "check", config],
                                       environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"])
        let status = await program.waitForExit()
        #expect(status?.exitCode == 0)
        #expect(program.lines.contains("\(config): warning: jobs.gone.at: 2020-01-01T00:00:00Z is in the past: when steward starts, it runs once now (misfire: \"fireOnceNow\"), unless a steward already handled it"))
        #expect(program.lines.contains { $0.hasPrefix("\(config): ok (0 process(es), 1 job(s)") })
    }
}
