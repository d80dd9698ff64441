import StewardJobs
import Testing

/// The one rule for a run id typed by a person: the whole id, or a prefix only one run has.
@Suite("Run id prefixes")
struct RunIDPrefixTests {
    @Test("one run, none, several (named, five at most, duplicates counted once), and an empty text matches nothing")
    func matches() {
        let ids: [RunID] = ["abc123", "abd456", "abc789", "xyz000", "abc123"]
        #expect(RunIDPrefix.match("abd", among: ids) == .one("abd456"))
        #expect(RunIDPrefix.match("xyz000", among: ids) == .one("xyz000"))
        #expect(RunIDPrefix.match("q", among: ids) == .none)
        #expect(RunIDPrefix.match("", among: ids) == .none)
        #expect(RunIDPrefix.match("abc", among: ids) == .ambiguous("several runs start with abc: abc123, abc789; type more of the id"))
        let many = (0..<6).map { RunID("r\($0)") }
        #expect(RunIDPrefix.match("r", among: many) == .ambiguous("several runs start with r: r0, r1, r2, r3, r4, …; type more of the id"))
    }
}
