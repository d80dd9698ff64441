import StewardCore
import StewardHTTP
import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The job part of the control API: `GET /jobs`, `POST /jobs/NAME/trigger`, `GET /runs`
/// (`?job=J&state=S&since=T&limit=N&before=RUNID`, paged: see `RunPaging`), `GET /runs/facets`,
/// `GET /runs/ID`, `GET /runs/ID/log[?follow]`, `POST /runs/ID/stop`.
public enum JobRoutes {
    /// Adds the read-only routes, and the actions where `access` offers them. `scheduler` is
    /// asked on each request (a reload may add the scheduler).
    static func mount(on router: inout HTTPRouter, scheduler: @escaping @Sendable () -> JobScheduler?, access: ControlAccess) {
        router.get("/jobs") { request in
            let permitted = access.permitsPrivateData(request)
            return ControlRoutes.json((scheduler()?.jobs ?? []).map { JobBody($0, permitted: permitted) })
        }
        router.get("/runs") { request in
            guard let scheduler = scheduler() else { return ControlRoutes.json([RunBody]()) }
            return await RunPaging.page(request, permitted: access.permitsPrivateData(request),
                                        runs: { try await scheduler.runs($0) }, lookup: { try await scheduler.run($0) })
        }
        router.get("/runs/facets") { request in
            guard let scheduler = scheduler() else { return ControlRoutes.json([String: Int]()) }
            return await RunPaging.facets(request) { try await scheduler.runCounts($0) }
        }
        router.get(.prefix("/runs/")) { request in await Self.runRead(request, scheduler(), access: access) }
        guard access.offersActions else { return }
        func protect(_ handle: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) -> HTTPClosureHandler {
            ControlRoutes.guarded(access, handle)
        }
        router.add(.post, .prefix("/jobs/"), protect { request in
            let parts = (request.pathRemainder ?? "").split(separator: "/").map(String.init)
            guard parts.count == 2, parts[1] == "trigger" else { return ControlRoutes.failure("expected /jobs/NAME/trigger", status: .notFound) }
            guard let scheduler = scheduler() else { return ControlRoutes.failure("no job named \"\(parts[0])\" (no jobs configured)", status: .notFound) }
            do throws(JobSchedulerError) {
                let runId = try await scheduler.trigger(JobID(parts[0]), requestedBy: request.queryValue("by") ?? "control")
                let state = (try? await scheduler.run(runId))?.state.name ?? "queued"
                return ControlRoutes.json(TriggerBody(runId: runId.rawValue, state: state), status: .accepted)
            } catch {
                return ControlRoutes.failure("\(error)", status: error.kind == .unknownJob ? .notFound : .conflict)
            }
        })
        router.add(.post, .prefix("/runs/"), protect { request in
            let parts = (request.pathRemainder ?? "").split(separator: "/").map(String.init)
            guard parts.count == 2, parts[1] == "stop" else { return ControlRoutes.failure("expected /runs/ID/stop", status: .notFound) }
            guard let scheduler = scheduler() else { return ControlRoutes.failure("no run \(parts[0])", status: .notFound) }
            do throws(JobSchedulerError) {
                try await scheduler.stop(RunID(parts[0]))
                return ControlRoutes.message("stopping run \(parts[0])", status: .accepted)
            } catch {
                return ControlRoutes.failure("\(error)", status: error.kind == .unknownRun ? .notFound : .conflict)
            }
        })
    }

    /// What `POST /jobs/NAME/trigger` answers.
    public struct TriggerBody: Codable, Sendable {
        /// The new run's id.
        public var runId: String
        /// Its state (`queued`, `running`, or `skipped` when the overlap policy refused it).
        public var state: String
    }

    /// A filter of `/runs` (or of `steward runs`) that cannot be read.
    public struct QueryProblem: Error, CustomStringConvertible {
        /// Which filter and why, for people.
        public let description: String
    }

    static func query(_ request: HTTPRequest) -> Result<RunQuery, QueryProblem> {
        runQuery(job: request.queryValue("job"), state: request.queryValue("state"), since: request.queryValue("since"),
                 limit: request.queryValue("limit"), now: Date())
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
            } else if let instant = try? InstantText.parse(text, zone: TimeZone(identifier: "UTC")!) {
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
        guard let id = parts.first, parts.count <= 2, parts.count == 1 || (parts[1] == "log" && access.offersActions) else {
            return ControlRoutes.failure("expected /runs/ID or /runs/ID/log", status: .notFound)
        }
        if parts.count == 2, let token = access.requiredToken, let rejection = HTTPBearerAuthenticator(token: token).rejection(for: request) {
            return rejection
        }
        guard let scheduler, let record = try? await scheduler.run(RunID(id)) else {
            return ControlRoutes.failure("no run \(id)", status: .notFound)
        }
        guard parts.count == 2 else { return ControlRoutes.json(RunBody(record).redacted(unless: access.permitsPrivateData(request))) }
        guard request.hasQueryItem("follow") else {
            do throws(JobSchedulerError) {
                let page = try await scheduler.readLog(RunID(id))
                return .text(page.lines.map { $0.text + "\n" }.joined())
            } catch {
                return ControlRoutes.failure("\(error)", status: .serviceUnavailable)
            }
        }
        let follow = scheduler.followLog(RunID(id))
        return .stream(headers: ["Content-Type": "text/plain; charset=utf-8"]) { writer in
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
