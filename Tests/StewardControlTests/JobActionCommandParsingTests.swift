import Foundation
@testable import StewardCLI
import Testing

@Suite("Job action command lines")
struct JobActionCommandParsingTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("each action parses into the body steward receives")
    func parses() throws {
        let trigger = try JobActionCommand.parse("trigger", ["report", "--input", #"{"b": 2, "a": [1]}"#, "--in", "10m", "-q", "--socket", "/s"], now: now)
        #expect(trigger == .init(action: .trigger("report", body: #"{"in":"10m","input":{"a":[1],"b":2}}"#, output: .quiet), socket: "/s", config: nil))
        let at = try JobActionCommand.parse("trigger", ["report", "--at", "2027-03-01T10:00:00+01:00", "--json"], now: now)
        #expect(at.action == .trigger("report", body: #"{"at":"2027-03-01T09:00:00Z"}"#, output: .json))
        #expect(try JobActionCommand.parse("jobs disable", ["tick"], now: now).action == .jobChange("tick", "disable"))
        #expect(try JobActionCommand.parse("jobs reschedule", ["tick", "--every", "5m", "--end", "2099-01-01T00:00:00Z"], now: now).action
                == .reschedule("tick", body: #"{"end":"2099-01-01T00:00:00Z","every":"5m"}"#))
        #expect(try JobActionCommand.parse("run wait", ["3f2c", "--timeout", "1m", "--journal", "/j"], now: now)
                == .init(action: .runWait("3f2c", timeout: .seconds(60)), socket: nil, config: nil, journal: "/j"))
        #expect(try JobActionCommand.parse("run retry", ["3f2c"], now: now).action == .runRetry("3f2c"))
        guard case .control(let reset) = try StewardMain.parse("jobs", ["reset", "tick"]) else { Issue.record("not a control command"); return }
        #expect(reset.action == .jobChange("tick", "reset"))
    }

    @Test("bad values name the option", arguments: [
        ("trigger", ["report", "--input", "{nope}"], "trigger: --input: expected JSON"),
        ("trigger", ["report", "--at", "2020-01-01T00:00:00Z"], "trigger: --at: 2020-01-01T00:00:00Z is in the past"),
        ("trigger", ["report", "--in", "-5m"], "trigger: --in: expected a duration such as 10m, got \"-5m\""),
        ("trigger", ["report", "--in", "1m", "--in", "2m"], "trigger: --in given twice"),
        ("trigger", ["report", "--parent"], "trigger: --parent needs a value"),
        ("trigger", ["report", "--every", "5m"], "trigger: unknown option --every"),
        ("jobs reschedule", ["tick", "--every", "5m", "--schedule", "@daily"], "jobs reschedule: give only one of"),
        ("jobs reschedule", ["tick", "--every", "5m", "--start", "noon"], "jobs reschedule: --start: invalid instant \"noon\""),
        ("jobs reschedule", ["tick", "--every", "5m", "--end", "2020-01-01T00:00:00Z"], "jobs reschedule: --end:"),
        ("jobs enable", [], "jobs enable: usage: steward jobs enable JOB"),
        ("run wait", ["a", "b"], "run wait: usage: steward run wait ID"),
    ])
    func rejects(command: String, arguments: [String], message: String) {
        #expect {
            _ = try JobActionCommand.parse(command, arguments, now: now)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test("help names one command's usage; a usage error's hint points at it")
    func help() throws {
        let trigger = try StewardMain.help("trigger")
        #expect(trigger.contains("trigger JOB [--at T | --in D]") && !trigger.contains("jobs reschedule"))
        #expect(try StewardMain.help("run wait").contains("124 --timeout passed"))
        #expect(StewardMain.helpTopic("jobs", "reschedule") == "jobs reschedule")
        #expect(StewardMain.helpTopic("bogus", nil) == "")
        #expect(throws: CommandLineError.self) { try StewardMain.help("bogus") }
    }
}
