import Testing
import TestSupport

/// The real `steward` binary resolves zones from TZif data: `TZDIR` (also a directory without
/// any zone, which leaves the built-in data), `TZ` for the default zone, and refuses bad names.
@Suite("steward cron zones, through the binary", .timeLimit(.minutes(1)))
struct CronZoneBinaryTests {
    static let newYork = ["cron", "0 30 2 * * *", "--zone", "America/New_York", "--after", "2026-03-07T12:00:00Z", "--next", "2"]

    /// Runs `steward ARGS` with `extra` in its environment; its exit code and output.
    func steward(_ arguments: [String], _ extra: [String: String] = [:]) async throws -> (code: Int32?, output: [String]) {
        var environment = ChildProgram.isolatedEnvironment(extra)
        if extra["TZ"] == nil { environment["TZ"] = nil }
        let child = try ChildProgram([ControlPlaneTests.steward] + arguments, environment: environment)
        let status = await child.waitForExit()
        return (status?.exitCode, child.lines)
    }

    @Test func zonedCronWithAndWithoutZoneinfo() async throws {
        let empty = try TemporaryDirectory("zoneinfo")
        for extra in [[:], ["TZDIR": empty.path], ["TZDIR": "/nonexistent/zoneinfo"]] {
            let (code, output) = try await steward(Self.newYork, extra)
            #expect(code == 0, "\(extra): \(output)")
            // The spring-forward gap moves 02:30 to 03:00 EDT; the next day is 02:30 EDT.
            #expect(output.count >= 3 && output[1].hasPrefix("2026-03-08T03:00:00-04:00") && output[2].hasPrefix("2026-03-09T02:30:00-04:00"),
                    "\(extra): \(output)")
            let utc = try await steward(["cron", "@daily", "--zone", "UTC", "--after", "2026-03-07T12:00:00Z", "--next", "1"], extra)
            #expect(utc.code == 0 && utc.output.count >= 2 && utc.output[1].hasPrefix("2026-03-08T00:00:00+00:00"), "\(extra): \(utc.output)")
        }
    }

    @Test func tzGivesTheDefaultZone() async throws {
        let arguments = ["cron", "0 0 9 * * *", "--after", "2026-07-01T00:00:00Z", "--next", "1"]
        for (tz, fire) in [(":Asia/Tokyo", "2026-07-02T09:00:00+09:00"), ("<+0545>-5:45", "2026-07-01T09:00:00+05:45"),
                           ("/usr/share/zoneinfo/Europe/Berlin", "2026-07-01T09:00:00+02:00"), ("", "2026-07-01T09:00:00+00:00")] {
            let (code, output) = try await steward(arguments, ["TZ": tz])
            #expect(code == 0 && output.count >= 2 && output[1].hasPrefix(fire), "TZ=\(tz): \(output)")
        }
    }

    @Test func badZoneNamesAreUsageErrors() async throws {
        for (zone, message) in [("../../etc/passwd", "invalid time zone name \"../../etc/passwd\": it contains \"..\""),
                                ("/etc/localtime", "invalid time zone name \"/etc/localtime\": it starts with \"/\""),
                                ("Mars/Base", "unknown time zone \"Mars/Base\"")] {
            let (code, output) = try await steward(["cron", "@daily", "--zone", zone])
            #expect(code == 64)
            #expect(output.first == "steward: cron: --zone: " + message + " (use an IANA name such as Europe/Berlin or UTC)", "\(output.first ?? "")")
        }
    }
}
