import StewardControl
import StewardCore
import StewardJobs
import StewardHTTP
import StewardJournal
import StewardSupervisor
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `steward runs`, `steward run show ID` and `steward run logs ID [-f]`: they read the journal
/// itself, read-only — the SQLite file, or the shared PostgreSQL journal of a connection string —
/// so they work whether steward runs or not.
///
/// The file: `--journal FILE`; else the one `--config FILE` names (or its default); else
/// `STEWARD_JOURNAL`; else the one the steward on the control socket (`--socket`, or the
/// default) writes; else the default path (``JournalConfig/defaultPath(environment:uid:)``).
enum JournalCommand {
    /// The commands served from the journal.
    static let commands: Set<String> = ["runs", "run show", "run logs"]

    /// Whether `action` reads the journal.
    static func reads(_ action: ControlCommand.Action) -> Bool {
        switch action {
        case .runs, .runShow, .runLogs, .runWait, .nodes: true
        default: false
        }
    }

    /// Runs the command; 0 done, 1 failed (the reason on standard error).
    static func run(_ options: ControlCommand.Options, environment: [String: String]) async -> Int32 {
        do throws(RunStoreError) {
            let reader = try await JournalSource.open(try path(options, environment: environment))
            let jobIds = try options.tag.map { tag throws(RunStoreError) in try taggedJobs(tag, options, environment: environment) }
            let code = try await perform(options.action, reader, jobIds: jobIds)
            await reader.close()
            return code
        } catch {
            StewardMain.writeError("steward: \(error.message)")
            if case .runWait = options.action { return RunOutcome.noRun }
            return ExitCodes.failure
        }
    }

    private static func perform(_ action: ControlCommand.Action, _ reader: JournalSource,
                                jobIds: Set<JobID>? = nil) async throws(RunStoreError) -> Int32 {
        switch action {
        case .runs(let job, let state, let since, let limit, let json):
            var query: RunQuery
            switch JobRoutes.runQuery(job: job, state: state, since: since, limit: limit, now: Date()) {
            case .success(let parsed): query = parsed
            case .failure(let problem): throw RunStoreError(.conflict, message: "runs: --\(problem.description)")
            }
            query.jobIds = jobIds
            let records = try await reader.runs(query)
            let runs = records.map(RunBody.init)
            print(json ? encode(runs) : JobTable.renderRuns(runs), terminator: json ? "\n" : "")
            await noteAbandoned(records, reader)
        case .runShow(let id, let json):
            let record = try await reader.findRun(id)
            print(json ? encode(RunBody(record)) : JobTable.renderRun(RunBody(record)), terminator: json ? "\n" : "")
            await noteAbandoned([record], reader)
        case .runLogs(let id, let follow):
            let runId = try await reader.findRun(id).runId
            var offset = 0
            var writerGone = false
            while true {
                let page = try await reader.readLog(runId, from: offset, limit: 1000)
                for line in page.lines { emit(line.text) }
                offset = page.nextOffset
                if page.isComplete { break }
                guard page.lines.isEmpty else { continue }
                guard follow else { break }  // without -f: what is there now
                // No writer: one more read (it may have written the end just before it exited),
                // then say the run was abandoned.
                if writerGone {
                    StewardMain.writeError("steward: no steward is writing \(reader.location); run \(runId) was left active by one "
                                           + "that stopped without recording its end")
                    return RunOutcome.abandoned
                }
                writerGone = await !reader.writerIsAlive(for: try await reader.run(runId))
                if !writerGone { try? await Task.sleep(for: .milliseconds(200)) }
            }
            // Followed to its end: the exit code is the run's outcome (as `run wait`).
            if follow, let record = try await reader.run(runId), record.state.isFinal { return RunOutcome.exitCode(record.state) }
        case .runWait(let id, let timeout):
            return try await wait(for: id, timeout: timeout, reader)
        case .nodes(let json):
            let nodes = try await reader.nodes().map { NodeBody($0, thisNode: nil, lease: reader.lease) }
            print(json ? encode(nodes) : JobTable.renderNodes(nodes), terminator: json ? "\n" : "")
        default:
            throw RunStoreError(.conflict, message: "internal: not a journal command")
        }
        return ExitCodes.success
    }

    /// `run wait`: reads the run every 200 ms until it is final; prints `ID STATE` and returns
    /// its ``RunOutcome`` code (124 once `timeout` passes first).
    private static func wait(for id: String, timeout: Duration?, _ reader: JournalSource) async throws(RunStoreError) -> Int32 {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var writerGone = false
        while true {
            let record = try await reader.findRun(id)
            if record.state.isFinal {
                print("\(record.runId) \(record.state)")
                return RunOutcome.exitCode(record.state)
            }
            if writerGone {
                StewardMain.writeError("steward: no steward is writing \(reader.location); run \(record.runId) was left \(record.state) by one "
                                       + "that stopped without recording its end")
                return RunOutcome.abandoned
            }
            if let deadline, ContinuousClock.now >= deadline {
                StewardMain.writeError("steward: run wait: run \(record.runId) is still \(record.state) after --timeout \(timeout!.compactDescription)")
                return RunOutcome.waitTimedOut
            }
            writerGone = await !reader.writerIsAlive(for: record)
            if !writerGone {
                let pause = deadline.map { min(.milliseconds(200), max(.zero, $0 - ContinuousClock.now)) } ?? .milliseconds(200)
                try? await Task.sleep(for: pause)
            }
        }
    }

    /// Says on standard error when active runs were listed from a journal no steward writes.
    private static func noteAbandoned(_ records: [RunRecord], _ reader: JournalSource) async {
        let active = records.filter(\.state.isActive).count
        guard active > 0, await !reader.writerIsAlive() else { return }
        StewardMain.writeError("note: no steward is writing \(reader.location): \(active) run(s) shown queued or running were left by one "
                               + "that stopped without recording their end; they become crashed (or run, if queued) when steward starts again")
    }

    /// The ids of the jobs carrying `tag` (the journal keeps no tags): from `--config FILE` when
    /// given, else from the steward on the control socket.
    static func taggedJobs(_ tag: String, _ options: ControlCommand.Options, environment: [String: String]) throws(RunStoreError) -> Set<JobID> {
        if let path = options.config {
            do throws(ConfigIssues) {
                let config = try SupervisorConfigLoader.load(path: path)
                return Set(config.jobs.filter { $0.tags.contains(tag) }.map { JobID($0.name) })
            } catch {
                throw RunStoreError(.unavailable, message: "\(path): \(error.issues.count) problem(s); first: \(error.issues.first.map { "\($0)" } ?? "")")
            }
        }
        let socket = options.socket ?? ControlEndpoint.defaultSocketPath(environment: environment, uid: getuid())
        guard let response = try? ControlClient(socketPath: socket).request("GET", "/jobs?tag=\(ControlClient.encode(tag))"),
              response.status == 200,
              let jobs = try? ControlCommand.decoder.decode([JobBody].self, from: Data(response.body)) else {
            throw RunStoreError(.unavailable, message: "runs: --tag needs the jobs' tags, which the journal does not keep: "
                                + "run it with steward running, or give --config FILE")
        }
        return Set(jobs.map { JobID($0.id) })
    }

    /// The journal file for `options` (see the type's documentation for the order).
    static func path(_ options: ControlCommand.Options, environment: [String: String]) throws(RunStoreError) -> String {
        if let journal = options.journal { return journal }
        if let path = options.config {
            do throws(ConfigIssues) {
                let config = try SupervisorConfigLoader.load(path: path)
                if let shared = config.journal?.shared { return shared.connection }
                return (config.journal ?? JournalConfig()).resolvedPath(environment: environment, uid: getuid())
            } catch {
                throw RunStoreError(.unavailable, message: "\(path): \(error.issues.count) problem(s); first: \(error.issues.first.map { "\($0)" } ?? "")")
            }
        }
        if let path = environment["STEWARD_JOURNAL"], !path.isEmpty { return path }
        let socket = options.socket ?? ControlEndpoint.defaultSocketPath(environment: environment, uid: getuid())
        if let response = try? ControlClient(socketPath: socket).request("GET", ControlAPI.journal), response.status == 200,
           let body = try? ControlCommand.decoder.decode(ControlAPI.JournalBody.self, from: Data(response.body)) {
            return body.path
        }
        return JournalConfig.defaultPath(environment: environment, uid: getuid())
    }

    private static func emit(_ text: String) {
        let line = text + "\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(1, $0.baseAddress, $0.count - 1) }
    }

    private static func encode(_ value: some Encodable) -> String {
        (try? JSONEncoder.steward.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
