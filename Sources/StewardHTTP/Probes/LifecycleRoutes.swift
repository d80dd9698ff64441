import StewardCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Mounts what an orchestrator asks of any application on a router: `/livez`, `/readyz`,
/// `/readyz/NAME` (each with `?verbose` and `?exclude=NAME`) and `/events` (Server-Sent Events
/// of lifecycle events). An application's `main` mounts these on its own ``HTTPServer``.
public enum LifecycleRoutes {
    /// How many events a slow `/events` client may fall behind before the oldest are dropped
    /// (the HTTP layer also bounds its bytes, and disconnects it when that fills).
    public static let eventBacklog = 256

    /// Adds the routes for `probes` to `router`.
    public static func mount(_ probes: LifecycleProbes, on router: inout HTTPRouter) {
        // Liveness is answered by a task: it passes only while the application's executor turns
        // (a wedged executor must fail it). Readiness reads in-memory state, and orchestrators
        // and load balancers poll it often: it is answered on the server's loop.
        router.get("/livez") { request in respond(probes.liveness, request) }
        router.get("/readyz", immediate: { request in respond(probes.readiness, request) })
        router.get(.prefix("/readyz/"), immediate: { request in
            let name = request.pathRemainder ?? ""
            guard let report = probes.readiness(of: name) else { return .text("no check named \"\(name)\"\n", status: .notFound) }
            return respond(report, request)
        })
        router.get("/events") { _ in events(probes.lifecycle) }
    }

    /// Adds the routes for the lifecycle `reference` is bound to; until it is bound they answer
    /// 503 (the application is still being built).
    public static func mount(_ reference: LifecycleReference, on router: inout HTTPRouter) {
        var inner = HTTPRouter()
        mount(reference, into: &inner)
        for path in ["/livez", "/readyz", "/events"] { router.add(.get, .exact(path), inner) }
        router.add(.get, .prefix("/readyz/"), inner)
    }

    private static func mount(_ reference: LifecycleReference, into router: inout HTTPRouter) {
        router.get("/livez") { request in
            guard let lifecycle = reference.lifecycle else { return unbound }
            return respond(LifecycleProbes(lifecycle: lifecycle).liveness, request)
        }
        router.get("/readyz", immediate: { request in
            guard let lifecycle = reference.lifecycle else { return unbound }
            return respond(LifecycleProbes(lifecycle: lifecycle).readiness, request)
        })
        router.get(.prefix("/readyz/"), immediate: { request in
            guard let lifecycle = reference.lifecycle else { return unbound }
            let name = request.pathRemainder ?? ""
            guard let report = LifecycleProbes(lifecycle: lifecycle).readiness(of: name) else {
                return .text("no check named \"\(name)\"\n", status: .notFound)
            }
            return respond(report, request)
        })
        router.get("/events") { _ in
            guard let lifecycle = reference.lifecycle else { return unbound }
            return events(lifecycle)
        }
    }

    private static var unbound: HTTPResponse { .text("starting\n", status: .serviceUnavailable) }

    /// The response for `report` to `request` (its `verbose` and `exclude` query items applied).
    public static func respond(_ report: ProbeReport, _ request: HTTPRequest) -> HTTPResponse {
        let excluded = Set(request.queryItems.filter { $0.name == "exclude" }.compactMap { $0.value })
        let report = report.excluding(excluded)
        return .text(report.body(verbose: request.hasQueryItem("verbose")), status: report.status == 200 ? .ok : .internalServerError)
    }

    /// An SSE stream: each lifecycle event as `event: component|milestone` with a JSON
    /// ``EventPayload``, until the client leaves or the application finishes.
    static func events(_ lifecycle: Lifecycle) -> HTTPResponse {
        let stream = lifecycle.events(bufferingPolicy: .bufferingNewest(eventBacklog))
        return .serverSentEvents { writer in
            guard writer.sendComment("steward lifecycle events") else { return }
            let encoder = JSONEncoder.steward
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in stream {
                        let payload = EventPayload(event)
                        guard let data = try? encoder.encode(payload),
                              writer.send(ServerSentEvent(data: String(decoding: data, as: UTF8.self), event: payload.kind)) else { return }
                    }
                }
                group.addTask { await writer.waitUntilClosed() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
