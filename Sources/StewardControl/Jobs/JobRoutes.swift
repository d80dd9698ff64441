import StewardCore
import StewardHTTP
import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The job part of the control API: `GET /jobs[?tag=T]`, `GET /runs`
/// (`?job=J&state=S&since=T&limit=N&tag=T&before=RUNID`, paged: see `RunPaging`), `GET /runs/facets`
/// (same filters), `GET /runs/ID`, `GET /runs/ID/log[?follow]` (`ID` a run id or a unique prefix
/// of one); the actions are ``JobActionRoutes``.
public enum JobRoutes {
    /// Adds the read-only routes, and the actions where `access` offers them. `scheduler` is
    /// asked on each request (a reload may add the scheduler).
    static func mount(on router: inout HTTPRouter, scheduler: @escaping @Sendable () -> JobScheduler?, access: ControlAccess,
                      audit: @escaping ControlAudit.Recorder = { _, _, _, _, _ in }) {
        router.get("/jobs") { request in
            let permitted = access.permitsPrivateData(request)
            let tag = request.queryValue("tag")
            // `?tag` with no value is a mistake, not "no filter".
            if request.hasQueryItem("tag"), tag?.isEmpty ?? true { return ControlRoutes.failure("tag: expected a tag, got nothing", status: .badRequest) }
            let jobs = (scheduler()?.jobs ?? []).filter { job in tag.map(job.tags.contains) ?? true }
            return ControlRoutes.json(jobs.map { JobBody($0, permitted: permitted) })
        }
        router.get("/runs") { request in
            guard let scheduler = scheduler() else { return ControlRoutes.json([RunBody]()) }
            return await RunPaging.page(request, jobs: scheduler.jobs, permitted: access.permitsPrivateData(request),
                                        runs: { try await scheduler.runs($0) }, lookup: { try await scheduler.run($0) })
        }
        router.get("/runs/facets") { request in
            guard let scheduler = scheduler() else { return ControlRoutes.json([String: Int]()) }
            return await RunPaging.facets(request, jobs: scheduler.jobs) { try await scheduler.runCounts($0) }
        }
        router.get(.prefix("/runs/")) { request in await Self.runRead(request, scheduler(), access: access) }
        JobActionRoutes.mount(on: &router, scheduler: scheduler, access: access, audit: audit)
    }

    /// What `POST /jobs/NAME/trigger` answers.
    public struct TriggerBody: Codable, Sendable {
        /// The new run's id.
        public var runId: String
        /// Its state (`queued`, `running`, `scheduled` for a run later, or `skipped` when the
        /// overlap policy refused it).
        public var state: String
        /// When a run later is due (ISO 8601).
        public var scheduledFor: String? = nil
    }

    /// A filter of `/runs` (or of `steward runs`) that cannot be read.
    public struct QueryProblem: Error, CustomStringConvertible {
        /// Which filter and why, for people.
        public let description: String
    }

    /// The ids of the jobs among `jobs` carrying `tag`: what `?tag=T` and `--tag T` filter runs by.
    public static func jobIds(tagged tag: String, in jobs: [JobSummary]) -> Set<JobID> {
        Set(jobs.filter { $0.tags.contains(tag) }.map(\.id))
    }

    /// The run query of a request's filters; `tag` names jobs among `jobs` (the journal keeps no
    /// tags: without the jobs, a tag matches no run).
    static func query(_ request: HTTPRequest, jobs: [JobSummary] = []) -> Result<RunQuery, QueryProblem> {
        let parsed = runQuery(job: request.queryValue("job"), state: request.queryValue("state"), since: request.queryValue("since"),
                              limit: request.queryValue("limit"), now: Date())
        guard case .success(var query) = parsed, request.hasQueryItem("tag") else { return parsed }
        guard let tag = request.queryValue("tag"), !tag.isEmpty else { return .failure(QueryProblem(description: "tag: expected a tag, got nothing")) }
        query.jobIds = jobIds(tagged: tag, in: jobs)
        return .success(query)
    }

    /// The run query for the filters of `/runs` and `steward runs`: `job`, `state` (names, comma
    /// separated), `since` (an ISO 8601 instant, or a duration ago such as `2h`), `limit`
    /// (default 100).
    public static func runQuery(job: String?, state: String?, since: String?, limit: String?, now: Date) -> Result<RunQuery, QueryProblem> {
        var query = RunQuery(limit: 100)
        if let job { query.jobId = JobID(job) }
        if let text = state {
            var states = Set<RunState>()
            for name in text.split(separator: ",") {
                guard let state = RunState(name: String(name)) else {
                    return .failure(QueryProblem(description: "state: unknown run state \"\(name)\" (\(RunState.allCases.map(\.name).joined(separator: ", ")))"))
                }
                states.insert(state)
            }
            query.states = states
        }
        if let text = since {
            if let ago = try? Duration(parsing: text) {
                query.since = now.addingTimeInterval(-Double(ago.components.seconds) - Double(ago.components.attoseconds) / 1e18)
            } else if let instant = try? InstantText.parse(text, zone: .utc) {
                query.since = instant
            } else {
                return .failure(QueryProblem(description: "since: expected an ISO 8601 instant such as 2026-11-22T10:00:00Z or a duration ago such as 2h, got \"\(text)\""))
            }
        }
        if let text = limit {
            guard let count = Int(text), count > 0 else { return .failure(QueryProblem(description: "limit: expected a positive count, got \"\(text)\"")) }
            query.limit = count
        }
        return .success(query)
    }

    /// `GET /runs/ID` and `GET /runs/ID/log[?follow]`. Records are status, readable wherever
    /// status is; logs are an operator's, like process output: only where actions are offered
    /// (and with the token, if one is required).
    static func runRead(_ request: HTTPRequest, _ scheduler: JobScheduler?, access: ControlAccess) async -> HTTPResponse {
        let parts = (request.pathRemainder ?? "").split(separator: "/").map(String.init)
        guard let text = parts.first, parts.count <= 2, parts.count == 1 || parts[1] == "log" else {
            return ControlRoutes.failure("expected /runs/ID or /runs/ID/log", status: .notFound)
        }
        if parts.count == 2, let rejection = access.rejection(for: request) { return rejection }
        guard let scheduler else { return ControlRoutes.failure("no run \(text)", status: .notFound) }
        let record: RunRecord
        do throws(JobSchedulerError) {
            record = try await scheduler.findRun(text)
        } catch {
            return JobActionRoutes.failure(error)
        }
        let id = record.runId.rawValue
        guard parts.count == 2 else { return ControlRoutes.json(RunBody(record).redacted(unless: access.permitsPrivateData(request))) }
        guard request.hasQueryItem("follow") else {
            do throws(JobSchedulerError) {
                let page = try await scheduler.readLog(RunID(id))
                return .text(page.lines.map { $0.text + "\n" }.joined())
            } catch {
                return ControlRoutes.failure("\(error)", status: .serviceUnavailable)
            }
        }
        return followed(scheduler.followLog(RunID(id)))
    }

    /// A run's log as it grows, as plain text, until the run ends or the client goes away.
    static func followed(_ follow: RunLogFollow) -> HTTPResponse {
        .stream(headers: ["Content-Type": "text/plain; charset=utf-8"]) { writer in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    var lines = follow.makeAsyncIterator()
                    while let line = try? await lines.next() {
                        guard writer.send(line.text + "\n") else { return }
                    }
                }
                group.addTask { await writer.waitUntilClosed() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
