import Foundation
@testable import StewardCLI
import StewardControl
import StewardJobs
import Testing

@Suite("steward audit's table")
struct AuditTableTests {
    /// Fault: a client chooses the target and run id (they are the request's path); printed raw,
    /// a newline broke the table and an escape sequence reached the operator's terminal.
    @Test("every cell is escaped: no control character from a request reaches the terminal")
    func escapesEveryCell() {
        let entry = AuditEntry(at: Date(timeIntervalSince1970: 1_800_000_000), actor: "http", action: "st\u{1B}op",
                               target: "a\nb\u{1B}[31mRED", detail: "refused (404): no process \"a\nb\"", runId: RunID("r\u{7}1"))
        let table = AuditCommand.render([AuditBody(entry)])
        #expect(table.split(separator: "\n").count == 2, "\(table)")
        #expect(!table.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F })
        #expect(table.contains("a\\nb"))
    }
}
