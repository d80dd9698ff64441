import Foundation
import TestSupport
import Testing

/// The monitor in a real browser: headless chromium (Debian's, through chromedriver and selenium)
/// drives the page of a real `steward run` (Scripts/monitor_browser.py). A browser that cannot
/// start fails the test; it is never skipped.
@Suite("the monitor in a browser", .timeLimit(.minutes(2)))
struct MonitorBrowserTests {
    @Test("processes, Run now with progress and log, stop, restart, runs filter kept in the URL, HTML as text, no token no action, no requests while idle")
    func browserScenario() async throws {
        let steward = try await ControlPlaneTests.Running(#"""
            echoer: { command: ["sh", "-c", "echo '<script>window.pwned=1</script><b>bold</b>'; exec sleep 600"] }
            """#, jobs: #"""
            progress: { command: ["sh", "-c", "for p in 25 50 75 100; do echo \"STEWARD_PROGRESS $p% step $p\"; sleep 0.3; done; echo 'progress job done <i>x</i>'"] },
            slow: { command: ["sh", "-c", "echo slow started; exec sleep 60"], stopTimeout: "2s" }
            """#, token: "browser-test-token")
        #expect(await eventually { await steward.http.get("/ui/")?.status == 200 })
        let script = String(#filePath.dropLast("MonitorBrowserTests.swift".count)) + "Scripts/monitor_browser.py"
        let harness = try ChildProgram(["python3", script, "http://127.0.0.1:\(steward.http.port)", "browser-test-token"])
        // ChildProgram's waits suspend between non-blocking reads: the tests running beside this
        // one keep the cooperative pool (two threads on a two-core machine).
        _ = await harness.waitUntil(seconds: 100) { _ in false }  // to the end of its output
        let status = await harness.waitForExit(seconds: 10)
        #expect(status == .exited(0), "\(harness.lines.joined(separator: "\n"))")
        #expect(harness.lines.filter { $0.hasPrefix("ok: ") }.count == 8, "\(harness.lines)")
    }
}
