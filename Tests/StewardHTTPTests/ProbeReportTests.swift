import StewardHTTP
import Testing

@Suite("Kubernetes probe format")
struct ProbeReportTests {
    let passing = ProbeReport(probe: "readyz", checks: [.init(name: "shutdown", passed: true), .init(name: "web", passed: true)])
    let failing = ProbeReport(probe: "readyz", checks: [
        .init(name: "shutdown", passed: true),
        .init(name: "web", passed: false, reason: "process exit 1\nand more"),
        .init(name: "cache", passed: false),
    ])

    @Test("passing: 200 and `ok`; verbose lists every check and `readyz check passed`")
    func passingReport() {
        #expect(passing.status == 200)
        #expect(passing.body(verbose: false) == "ok")
        #expect(passing.body(verbose: true) == "[+]shutdown ok\n[+]web ok\nreadyz check passed\n")
    }

    @Test("failing: 500; the checks are listed even without verbose, reasons on one line")
    func failingReport() {
        #expect(failing.status == 500)
        let expected = "[+]shutdown ok\n[-]web failed: process exit 1 and more\n[-]cache failed: reason withheld\nreadyz check failed\n"
        #expect(failing.body(verbose: false) == expected)
        #expect(failing.body(verbose: true) == expected)
    }

    @Test("a failing check says how long it has failed, in whole seconds")
    func failingFor() {
        let report = ProbeReport(probe: "readyz", checks: [
            .init(name: "web", passed: false, reason: "connection refused", unchangedFor: .milliseconds(12_700)),
            .init(name: "journal", passed: false, reason: "disk full", isCritical: false, unchangedFor: .seconds(184)),
            .init(name: "db", passed: true, unchangedFor: .seconds(5)),
        ])
        #expect(report.body(verbose: true) == """
        [-]web failed: connection refused (for 12s)
        [-]journal failed: disk full (for 3m4s) (non-critical)
        [+]db ok
        readyz check failed

        """)
    }

    @Test("exclude drops named checks, so a failing one can be ignored")
    func exclude() {
        let report = failing.excluding(["web", "cache"])
        #expect(report.passed)
        #expect(report.body(verbose: true) == "[+]shutdown ok\nreadyz check passed\n")
    }
}
