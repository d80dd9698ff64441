import Foundation
import StewardPostgres
import StewardProcesses
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One real `steward run` sharing a test server's journal: a node of a cluster on one machine.
/// Its config names its control socket, the shared journal (short heartbeat and lease, so a lost
/// node is rescued within a second or two) and the jobs given; its output goes to a log file.
final class StewardNode: @unchecked Sendable {  // `program` behind `lock`
    static let steward = ChildProgram.buildDirectory + "/steward"

    let name: String
    let configPath: String
    let socket: String
    let logPath: String
    private let lock = NSLock()
    private var current: ChildProgram?
    /// The node's steward process (the last one started).
    var program: ChildProgram? { lock.withLock { current } }

    /// Writes the node's config; nothing starts before ``start()``.
    /// - Parameters:
    ///   - jobs: the body of the config's `jobs` object.
    ///   - journal: extra keys of the `journal` object.
    ///   - node: the node name in the journal (`name` by default; another node's name makes a twin).
    init(_ name: String, in directory: TemporaryDirectory, connection: String, jobs: String, journal: String = "",
         node: String? = nil) throws {
        self.name = name
        configPath = directory.file("\(name).json5")
        socket = directory.file("\(name).sock")
        logPath = directory.file("\(name).log")
        let config = """
            {
              control: { socket: "\(socket)" },
              journal: { postgres: "\(connection)", node: "\(node ?? name)", heartbeat: "200ms", lease: "1s", poll: "300ms"\(journal.isEmpty ? "" : ", " + journal) },
              processes: { keeper: { command: ["sleep", "3600"] } },
              jobs: { \(jobs) },
            }
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts `steward run` (again after a kill), its output appended to ``logPath``; returns once
    /// its control socket answers and, with `journalReady`, its journal is healthy (steward
    /// reaches the database in the background: a trigger before that is refused).
    func start(journalReady: Bool = true) async throws {
        let program = try ChildProgram(["/bin/sh", "-c", "exec '\(Self.steward)' run '\(configPath)' >> '\(logPath)' 2>&1"],
                                       environment: ChildProgram.isolatedEnvironment())
        lock.withLock { current = program }
        let up = await eventually(seconds: 30) {
            if program.handle.exitStatus != nil { return true }
            return await self.cli(["status"]).status == 0
        }
        guard up, program.handle.exitStatus == nil else {
            throw TestSupportError("steward \(name) did not start: \(log.suffix(2000))")
        }
        guard journalReady else { return }
        let ready = await eventually(seconds: 30) {
            await self.cli(["health"]).lines.contains { $0.hasPrefix("[+]journal") }
        }
        guard ready else { throw TestSupportError("steward \(name)'s journal did not become healthy: \(log.suffix(2000))") }
    }

    /// Whether the node's steward runs.
    var isRunning: Bool { program.map { $0.handle.exitStatus == nil } ?? false }

    /// The pid of the node's steward.
    var pid: Int32? { program?.pid }

    /// Sends `signal` to the node's steward.
    func signal(_ signal: Int32) { program?.signal(signal) }

    /// SIGKILL, and waits for the reap.
    func kill() async {
        guard let program, program.handle.exitStatus == nil else { return }
        program.signal(SIGKILL)
        _ = await program.waitForExit(seconds: 10)
    }

    /// SIGTERM, and waits for a graceful exit (up to `seconds`); returns the exit status.
    @discardableResult
    func stop(seconds: Int64 = 30) async -> StewardProcesses.ExitStatus? {
        guard let program else { return nil }
        if program.handle.exitStatus == nil { program.signal(SIGTERM) }
        return await program.waitForExit(seconds: seconds)
    }

    /// Runs `steward ARGS --socket SOCKET`; returns its exit code and output lines.
    func cli(_ arguments: [String]) async -> (status: Int32?, lines: [String]) {
        guard let command = try? ChildProgram([Self.steward] + arguments + ["--socket", socket]) else { return (nil, []) }
        let status = await command.waitForExit(seconds: 20)
        return (status?.exitCode, command.lines)
    }

    /// The node's log so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        if let program, program.handle.exitStatus == nil { program.signal(SIGKILL) }
    }
}

/// A server, a directory, nodes and a probe, kept alive together for one test.
final class Cluster {
    let server: TestPostgresServer
    let directory: TemporaryDirectory
    let nodes: [StewardNode]
    let probe: JournalProbe

    /// Starts a server and `names` nodes with `jobs`; returns once every node answers.
    init(_ names: [String], jobs: String, journal: String = "") async throws {
        server = try await TestPostgresServer()
        directory = try TemporaryDirectory("cluster")
        nodes = try names.map { [server, directory] in
            try StewardNode($0, in: directory, connection: server.socketConnection(), jobs: jobs, journal: journal)
        }
        probe = try JournalProbe(server)
        for node in nodes { try await node.start() }
    }

    /// The node running run `runId`, once the journal says it runs (within 20 s); `nil` if it
    /// never does.
    func owner(of runId: String) async -> StewardNode? {
        var owner: String?
        _ = await eventually(seconds: 20) { [probe] in
            owner = try? await probe.column("SELECT node FROM steward.runs WHERE run_id = '\(runId)' AND state = 'running'").first ?? nil
            return owner != nil
        }
        return nodes.first { $0.name == owner }
    }
}

/// Read-only SQL on the test server's journal, to check what the nodes did.
struct JournalProbe {
    let connection: PostgresConnection

    init(_ server: TestPostgresServer, database: String = "postgres") throws {
        connection = try PostgresConnection(try PostgresConfiguration(parsing: server.socketConnection(database: database)))
    }

    /// The first column of every row of `sql`, as text.
    func column(_ sql: String) async throws -> [String?] {
        let rows = try await connection.query(sql)
        return rows.rows.map { $0.first ?? nil }
    }

    /// Every row of `sql`, as texts.
    func rows(_ sql: String) async throws -> [[String?]] {
        try await connection.query(sql).rows
    }

    /// The one integer `sql` returns.
    func integer(_ sql: String) async throws -> Int64 {
        let rows = try await connection.query(sql)
        return rows.int64(0, 0) ?? 0
    }

    func close() async { await connection.close() }
}

/// Every suite of real stewards on a real server, one test at a time: each test runs several
/// stewards and a server, so together they would starve each other and the rest of the suite
/// on a 2-core machine.
@Suite("Shared journal: clusters of real stewards", .serialized)
enum SharedJournalClusters {}
