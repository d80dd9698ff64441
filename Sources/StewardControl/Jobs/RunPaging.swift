import StewardHTTP
import StewardJobs

/// `GET /runs` pages and `GET /runs/facets`, over any source of runs (a running steward's
/// scheduler, or a journal file read by `steward ui --journal`).
///
/// A page is at most `limit` runs (default 100), newest first; `before=RUNID` continues after
/// that run, `parent=RUNID` keeps that run's children; the response header `X-Next-Before`
/// names the cursor of the next page when more runs match.
enum RunPaging {
    /// The header naming the next page's cursor.
    static let nextBeforeHeader = "X-Next-Before"

    /// Reads the runs of a query, newest first.
    typealias Runs = @Sendable (RunQuery) async throws -> [RunRecord]
    /// Reads one run; `nil` if unknown.
    typealias Lookup = @Sendable (RunID) async throws -> RunRecord?
    /// Counts runs per state for a query's filters.
    typealias Counts = @Sendable (RunQuery) async throws -> [RunState: Int]

    /// Answers `GET /runs` for `request`.
    static func page(_ request: HTTPRequest, jobs: [JobSummary] = [], permitted: Bool, runs: Runs, lookup: Lookup) async -> HTTPResponse {
        var query: RunQuery
        switch JobRoutes.query(request, jobs: jobs) {
        case .success(let parsed): query = parsed
        case .failure(let problem): return ControlRoutes.failure(problem.description, status: .badRequest)
        }
        if let parent = request.queryValue("parent") { query.parentRunId = RunID(parent) }
        if let before = request.queryValue("before") {
            guard (try? await lookup(RunID(before))) != nil else {
                return ControlRoutes.failure("before: no run \(before) (the cursor is a run id from X-Next-Before)", status: .badRequest)
            }
            query.before = RunID(before)
        }
        let limit = query.limit ?? 100
        query.limit = limit + 1
        do {
            var records = try await runs(query)
            var headers: HTTPHeaders = [:]
            if records.count > limit {
                records.removeLast(records.count - limit)
                if let last = records.last { headers[nextBeforeHeader] = last.runId.rawValue }
            }
            var response = ControlRoutes.json(records.map { RunBody($0).redacted(unless: permitted) })
            for field in headers { response.headers[field.name] = field.value }
            return response
        } catch {
            return ControlRoutes.failure("\(error)", status: .serviceUnavailable)
        }
    }

    /// Answers `GET /runs/facets`: `{"succeeded": 12, "failed": 3, …}` for the filters of
    /// `/runs` (`limit` and `before` ignored).
    static func facets(_ request: HTTPRequest, jobs: [JobSummary] = [], counts: Counts) async -> HTTPResponse {
        let query: RunQuery
        switch JobRoutes.query(request, jobs: jobs) {
        case .success(let parsed): query = parsed
        case .failure(let problem): return ControlRoutes.failure(problem.description, status: .badRequest)
        }
        do {
            let counted = try await counts(query)
            return ControlRoutes.json(Dictionary(uniqueKeysWithValues: counted.map { ($0.key.name, $0.value) }))
        } catch {
            return ControlRoutes.failure("\(error)", status: .serviceUnavailable)
        }
    }
}
