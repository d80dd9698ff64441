import StewardJobs
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The release artefact as a container's PID 1: the static `steward` (`.ci/build-static`) started
/// by `unshare --pid --fork --mount-proc` as PID 1 of a new PID namespace, from a directory holding
/// only the binary and its config, with an empty environment (`env -i`, an empty `LD_LIBRARY_PATH`),
/// through startup, a reload on SIGHUP, a cron job in `America/New_York`, and SIGTERM. Once with the
/// system's zone data, once with none at all (`TZDIR` an empty directory and `/usr/share/zoneinfo`
/// hidden under an empty tmpfs in the namespace), where only the built-in zone data can answer.
/// Needs root (as CI runs), or unprivileged user namespaces (then `--user --map-root-user`).
@Suite("The static steward as PID 1", .timeLimit(.minutes(1)))
struct StaticPID1Tests {
    /// Where the zone data comes from in the namespace.
    enum ZoneData: String, CustomStringConvertible, CaseIterable {
        /// `/usr/share/zoneinfo` as the host has it, no `TZDIR`.
        case system
        /// `TZDIR` an empty directory, `/usr/share/zoneinfo` hidden: the built-in copy only.
        case none
        var description: String { rawValue }
    }

    @Test("startup, SIGHUP reload, a cron job in America/New_York, SIGTERM: exit 0, every child stopped", arguments: ZoneData.allCases)
    func pid1(zoneData: ZoneData) async throws {
        let binary = StaticBinary.path
        if let missing = StaticBinary.missing(at: binary) {
            Issue.record("\(missing)")
            return
        }
        let work = try TemporaryDirectory("pid1-\(zoneData)")
        #expect(mkdir(work.file("zoneinfo-empty"), 0o755) == 0)
        let copy = try ChildProgram(["/bin/cp", binary, work.file("steward")])
        #expect(await copy.waitForExit() == .exited(0), "\(copy.lines)")
        let port = Int(try Listener().port)
        let hours = try Self.newYorkHours()
        try Fault.write(Self.config(work: work, port: port, hours: hours, withSecond: false), to: work.file("steward.json5"))

        // As PID 1: the shell hides the zone data if asked, then becomes steward (exec keeps PID 1).
        // --kill-child: if the test gives up and kills unshare, steward (and so the namespace) dies too.
        let userNamespace = getuid() == 0 ? [] : ["--user", "--map-root-user"]
        let unshare = try ChildProgram(
            ["unshare"] + userNamespace + ["--pid", "--fork", "--kill-child", "--mount-proc", "/bin/sh", "-c", Self.script, "sh", work.path, zoneData.rawValue],
            environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        let output = { "\(unshare.lines.suffix(15).joined(separator: "\n"))" }
        var stewardPID: Int32?
        defer { if unshare.handle.exitStatus == nil, let pid = stewardPID { kill(pid, SIGKILL) } }
        _ = await eventually(seconds: 10) {
            stewardPID = StaticBinary.child(of: unshare.pid, running: work.file("steward"))
            return stewardPID != nil || unshare.handle.exitStatus != nil
        }
        guard let steward = stewardPID else {
            _ = await unshare.waitForExit(seconds: 2)
            Issue.record("steward did not start as unshare's child: \(output())")
            return
        }
        #expect(StaticBinary.namespacePID(of: steward) == 1, "steward is not PID 1 of its namespace")

        // Startup: ready, the process runs, and nothing of the Swift toolchain is mapped.
        let http = LoopbackHTTP(port: port)
        #expect(await eventually { await http.get("/readyz", seconds: 2)?.status == 200 }, "/readyz never answered 200: \(output())")
        #expect(await eventually { await Self.status(http).contains("\"first\"") }, "process first not in /status")
        #expect(StaticBinary.toolchainLibraries(of: steward).isEmpty,
                "the static steward mapped libraries of the Swift toolchain: \(StaticBinary.toolchainLibraries(of: steward))")

        // A reload: the config gains a process.
        try Fault.write(Self.config(work: work, port: port, hours: hours, withSecond: true), to: work.file("steward.json5"))
        kill(steward, SIGHUP)
        #expect(await eventually { await Self.status(http).contains("\"second\"") }, "process second not in /status after SIGHUP: \(output())")

        // The cron job fires only in the current (or next) hour of New York, never in UTC's.
        var runs: [String] = []
        let fired = await eventually {
            runs = await Self.runs(binary: work.file("steward"), journal: work.file("journal.sqlite"), zoneData: zoneData, work: work)
            return runs.contains { $0.contains("succeeded") }
        }
        #expect(fired, "no succeeded run of the cron job in hours \(hours) of America/New_York: \(runs) \(output())")

        // SIGTERM: exit 0, each process stopped by its stop signal, no child left.
        let children = StaticBinary.children(of: steward)
        #expect(children.count >= 2, "expected the two processes as steward's children, found \(children.count)")
        kill(steward, SIGTERM)
        let status = await unshare.waitForExit(seconds: 20)
        #expect(status == .exited(0), "steward after SIGTERM: \(String(describing: status)): \(output())")
        for name in ["first", "second"] {
            #expect(access(work.file("\(name).stopped"), F_OK) == 0, "process \(name) was not stopped by its stop signal (no marker)")
        }
        for child in children {
            #expect(StaticBinary.startTime(of: child.pid) != child.start, "steward's child \(child.pid) outlived it")
        }
    }

    /// In the namespace: hide the zone data (`none`), then exec steward with an empty environment.
    static let script = """
    set -e
    work="$1"
    if [ "$2" = none ]; then
        [ -d /usr/share/zoneinfo ] && mount -t tmpfs -o ro tmpfs /usr/share/zoneinfo
        if [ -n "$(ls -A /usr/share/zoneinfo 2>/dev/null)" ]; then echo "pid1: /usr/share/zoneinfo still has zones" >&2; exit 90; fi
        cd "$work" && exec env -i LD_LIBRARY_PATH= TZDIR="$work/zoneinfo-empty" "$work/steward" run "$work/steward.json5"
    fi
    cd "$work" && exec env -i LD_LIBRARY_PATH= "$work/steward" run "$work/steward.json5"
    """

    /// Two processes that leave a marker when SIGTERM stops them, a cron job every second of two
    /// hours of New York, a journal, HTTP on `port`.
    static func config(work: TemporaryDirectory, port: Int, hours: String, withSecond: Bool) -> String {
        func process(_ name: String) -> String {
            #"{ command: ["/bin/sh", "-c", "trap 'echo stopped > \#(work.file(name)).stopped; exit 0' TERM; while :; do sleep 0.1; done"] }"#
        }
        return """
        {
          shutdownTimeout: "10s",
          http: { listen: "127.0.0.1:\(port)" },
          control: { socket: "\(work.file("steward.sock"))" },
          processes: {
            first: \(process("first")),
            \(withSecond ? "second: \(process("second"))," : "")
          },
          jobs: {
            tick: { schedule: "* * \(hours) * * *", zone: "America/New_York", command: ["/bin/true"] },
          },
          journal: { path: "\(work.file("journal.sqlite"))" },
        }
        """
    }

    /// This hour and the next in New York (`H,H+1`), which are never UTC's (4 or 5 hours ahead).
    static func newYorkHours() throws -> String {
        let now = Int(time(nil))
        let local = now + (try Zone(identifier: "America/New_York")).offset(at: now)
        let hour = ((local / 3600) % 24 + 24) % 24
        return "\(hour),\((hour + 1) % 24)"
    }

    /// `/status`'s body, or "" if it does not answer.
    static func status(_ http: LoopbackHTTP) async -> String {
        await http.get("/status", seconds: 2)?.body ?? ""
    }

    /// `steward runs --journal … --job tick` with the same empty environment as steward's.
    static func runs(binary: String, journal: String, zoneData: ZoneData, work: TemporaryDirectory) async -> [String] {
        var environment = ["LD_LIBRARY_PATH": ""]
        if zoneData == .none { environment["TZDIR"] = work.file("zoneinfo-empty") }
        guard let runs = try? ChildProgram([binary, "runs", "--journal", journal, "--job", "tick"], environment: environment) else { return [] }
        return await runs.waitForExit(seconds: 5) == .exited(0) ? runs.lines : ["runs: \(runs.lines)"]
    }
}
