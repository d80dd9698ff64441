@testable import StewardCLI
import Testing

@Suite("Control command lines")
struct ControlCommandParsingTests {
    @Test("each command parses with its options")
    func parses() throws {
        #expect(try ControlCommand.parse("status", ["--json", "--socket", "/tmp/s"]) == .init(action: .status(json: true), socket: "/tmp/s", config: nil))
        #expect(try ControlCommand.parse("stop", ["web"]).action == .stop("web"))
        #expect(try ControlCommand.parse("signal", ["web", "HUP"]).action == .signal("web", 1))
        #expect(try ControlCommand.parse("signal", ["web", "10"]).action == .signal("web", 10))
        #expect(try ControlCommand.parse("logs", ["web", "-f", "-n", "5"]).action == .logs("web", follow: true, lines: 5))
        #expect(try ControlCommand.parse("wait", ["--timeout", "2s"]).action == .wait(timeout: .seconds(2)))
        #expect(try ControlCommand.parse("health", ["-c", "steward.json5"]) == .init(action: .health, socket: nil, config: "steward.json5"))
    }

    @Test("bad command lines name what is wrong", arguments: [
        ("stop", [], "stop: usage: steward stop NAME"),
        ("signal", ["web", "NOPE"], "signal: unknown signal \"NOPE\""),
        ("logs", ["web", "-n", "many"], "logs: -n expects a count, got \"many\""),
        ("wait", ["--timeout", "soon"], "wait: --timeout expects a duration"),
        ("status", ["--bogus"], "status: unknown option --bogus"),
        ("status", ["--socket"], "status: --socket needs a value"),
    ])
    func rejects(command: String, arguments: [String], message: String) {
        #expect {
            _ = try ControlCommand.parse(command, arguments)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }
}
