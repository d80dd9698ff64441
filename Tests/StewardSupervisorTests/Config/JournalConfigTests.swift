import StewardJobs
import StewardJournal
import Testing
@testable import StewardSupervisor

@Suite("Config: the journal section")
struct JournalConfigTests {
    @Test("path (relative to the config's directory) and retention per state, keep-last and interval are read")
    func reads() throws {
        let config = try parseConfig("""
            { journal: { path: "state/journal.sqlite",
                         retention: { succeeded: "2d", failed: "90d", keepLast: 5, every: "10m", batchSize: 50 } } }
            """)
        let journal = try #require(config.journal)
        #expect(journal.path == "/srv/app/state/journal.sqlite")
        #expect(journal.retention.maximumAge[.succeeded] == .seconds(2 * 86_400))
        #expect(journal.retention.maximumAge[.failed] == .seconds(90 * 86_400))
        #expect(journal.retention.maximumAge[.crashed] == RetentionPolicy.defaultAges[.crashed])
        #expect(journal.retention.keepLast == 5)
        #expect(journal.retention.batchSize == 50)
        #expect(journal.retentionEvery == .seconds(600))
    }

    @Test("the default path suits the user: STEWARD_JOURNAL, /var/lib for root, XDG state or ~/.local/state otherwise")
    func defaultPath() {
        #expect(JournalConfig.defaultPath(environment: ["STEWARD_JOURNAL": "/x/j.sqlite"], uid: 0) == "/x/j.sqlite")
        #expect(JournalConfig.defaultPath(environment: [:], uid: 0) == "/var/lib/steward/journal.sqlite")
        #expect(JournalConfig.defaultPath(environment: ["XDG_STATE_HOME": "/home/a/.state", "HOME": "/home/a"], uid: 1000)
                == "/home/a/.state/steward/journal.sqlite")
        #expect(JournalConfig.defaultPath(environment: ["HOME": "/home/a"], uid: 1000) == "/home/a/.local/state/steward/journal.sqlite")
        #expect(JournalConfig.defaultPath(environment: [:], uid: 1000) == "/tmp/steward-1000/journal.sqlite")
    }

    @Test("the default path's directory is steward's own (kept private); a directory the config or STEWARD_JOURNAL names is not")
    func ownsDirectory() {
        #expect(JournalConfig().ownsDirectory(environment: [:]))
        #expect(JournalConfig().ownsDirectory(environment: ["HOME": "/home/a", "STEWARD_JOURNAL": ""]))
        #expect(!JournalConfig().ownsDirectory(environment: ["STEWARD_JOURNAL": "/x/j.sqlite"]))
        #expect(!JournalConfig(path: "/srv/app/journal.sqlite").ownsDirectory(environment: [:]))
    }

    @Test("mistakes name the key, the line and the column")
    func mistakes() {
        #expect(problems(in: #"{ journal: { retention: { succeded: "1d" } } }"#).first?.hasPrefix(
            "journal.retention.succeded: unknown key (expected one of: batchSize, crashed, default, every, failed, interrupted, keepLast, killed, missed, skipped, stopped, succeeded, timedOut)") == true)
        #expect(problems(in: #"{ journal: { retention: { keepLast: -1 } } }"#).first?.hasPrefix("journal.retention.keepLast:") == true)
        #expect(problems(in: #"{ journal: { retention: { failed: "0s" } } }"#) == [
            "journal.retention.failed: must be longer than 0s (line 1, column 27)",
        ])
        #expect(problems(in: #"{ journal: { pth: "x" } }"#) == [
            "journal.pth: unknown key (expected one of: heartbeat, lease, listen, node, path, poll, postgres, retention) (line 1, column 14)",
        ])
        #expect(problems(in: #"{ jobs: { "journal-retention": { command: ["true"] } } }"#) == [
            "jobs.journal-retention: the name \"journal-retention\" is taken by the journal's retention job (line 1, column 11)",
        ])
    }

    @Test("a shared journal: the connection string is checked where it is written, never echoing a password; its settings need it")
    func sharedJournal() throws {
        let config = try parseConfig("""
            { journal: { postgres: "postgresql://steward:s3cret@db:5433/jobs", node: "pod-a", heartbeat: "500ms", lease: "2s", listen: false },
              jobs: { a: { command: ["true"] } } }
            """)
        let shared = try #require(config.journal?.shared)
        #expect(shared.node == "pod-a" && shared.heartbeat == .milliseconds(500) && shared.lease == .seconds(2) && !shared.listen)
        #expect(shared.options().node == "pod-a")
        let bad = problems(in: #"{ journal: { postgres: "postgresql://steward:s3cret@db:notaport/jobs" } }"#)
        #expect(bad.count == 1 && bad[0].hasPrefix("journal.postgres:") && bad[0].contains("port"), "\(bad)")
        #expect(!bad.joined().contains("s3cret"))
        #expect(problems(in: #"{ journal: { postgres: "postgresql://db/x?colour=blue" } }"#).first?.contains("colour") == true)
        #expect(problems(in: #"{ journal: { node: "a" } }"#) == ["journal.node: needs journal.postgres (a shared journal) (line 1, column 14)"])
        #expect(problems(in: #"{ journal: { postgres: "postgresql://db/x", path: "j.sqlite" } }"#).first?.hasPrefix(
            "journal.path: journal.path and journal.postgres exclude each other") == true)
        #expect(problems(in: #"{ journal: { postgres: "postgresql://db/x", heartbeat: "2s", lease: "3s" } }"#).first?.hasPrefix(
            "journal.lease: must be at least twice the heartbeat") == true)
        #expect(problems(in: #"{ journal: { postgres: "postgresql://db/x", node: "" } }"#).first?.hasPrefix("journal.node:") == true)
    }
}
