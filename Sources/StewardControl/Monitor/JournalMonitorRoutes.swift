import StewardHTTP
import StewardJobs
import StewardJournal

/// The monitor over a journal file alone, with no steward running (`steward ui --journal FILE`):
/// the page, `/runs` (paged), `/runs/facets`, `/runs/ID`, `/runs/ID/log[?follow]`, `/journal`
/// and `/livez`, read through a `JournalReader`. Nothing can act: there are no `POST` routes.
/// Whoever reaches the listener reads everything the file holds (logs, stderr tails, outputs),
/// as anyone who can read the file can: bind it to loopback unless sharing is meant.
public enum JournalMonitorRoutes {
    /// The router for `reader`.
    public static func router(for reader: JournalReader) -> HTTPRouter {
        var router = HTTPRouter()
        MonitorRoutes.mount(on: &router)
        router.get("/") { request in MonitorRoutes.index(request) }
        router.get("/livez") { _ in .text("ok\n") }
        router.get("/journal") { _ in
            let reason = reader.writerIsAlive ? "read-only view; a steward is writing this journal" : "read-only view; no steward is writing this journal"
            return ControlRoutes.json(ControlAPI.JournalBody(path: reader.path, healthy: true, reason: reason))
        }
        router.get("/runs") { request in
            await RunPaging.page(request, permitted: true, runs: { try reader.runs($0) }, lookup: { try reader.run($0) })
        }
        router.get("/runs/facets") { request in await RunPaging.facets(request) { try reader.runCounts($0) } }
        router.get(.prefix("/runs/")) { request in run(request, reader) }
        return router
    }

    static func run(_ request: HTTPRequest, _ reader: JournalReader) -> HTTPResponse {
        let parts = (request.pathRemainder ?? "").split(separator: "/").map(String.init)
        guard let id = parts.first, parts.count <= 2, parts.count == 1 || parts[1] == "log" else {
            return ControlRoutes.failure("expected /runs/ID or /runs/ID/log", status: .notFound)
        }
        let record: RunRecord
        do throws(RunStoreError) {
            guard let found = try reader.run(RunID(id)) else { return ControlRoutes.failure("no run \(id) in \(reader.path)", status: .notFound) }
            record = found
        } catch {
            return ControlRoutes.failure("\(error)", status: .serviceUnavailable)
        }
        guard parts.count == 2 else { return ControlRoutes.json(RunBody(record)) }
        guard request.hasQueryItem("follow") else {
            do throws(RunStoreError) {
                let page = try reader.readLog(record.runId, from: 0, limit: nil)
                return .text(page.lines.map { $0.text + "\n" }.joined())
            } catch {
                return ControlRoutes.failure("\(error)", status: .serviceUnavailable)
            }
        }
        return JobRoutes.followed(reader.followLog(record.runId, from: 0, pollInterval: .seconds(1)))
    }
}
