import StewardCore
import StewardHTTP
import StewardSupervisor
import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The control API of a running steward as an `HTTPRouter`: the lifecycle probes, `/status`,
/// `/metrics`, `/events`, `/wait`, and — where ``ControlAccess`` allows (else 403 or 401) —
/// reload, shutdown, per-process actions and logs.
public enum ControlRoutes {
    /// The router for `supervisor` with `access`. `extraReadiness` adds checks to `/readyz`.
    public static func router(for supervisor: Supervisor, access: ControlAccess,
                              extraReadiness: @escaping @Sendable () -> [ProbeReport.Check] = { [] }) -> HTTPRouter {
        let lifecycle = supervisor.lifecycle
        var router = HTTPRouter()
        let probes = LifecycleProbes(lifecycle: lifecycle) { journalCheck(supervisor) + extraReadiness() }
        LifecycleRoutes.mount(probes, on: &router)
        // /readyz/NAME answers for every process: its readiness check if it has one, else
        // whether it runs (such a process is not part of /readyz itself).
        router.get(.prefix("/readyz/"), immediate: { request in
            let name = request.pathRemainder ?? ""
            if let report = probes.readiness(of: name) { return LifecycleRoutes.respond(report, request) }
            guard let process = supervisor.status.processes.first(where: { $0.name == name }) else {
                return .text("no check or process named \"\(name)\"\n", status: .notFound)
            }
            let running = process.state == .running || process.state == .done
            return LifecycleRoutes.respond(ProbeReport(probe: "readyz", checks: [
                .init(name: name, passed: running, reason: "process \(process.state)"),
            ]), request)
        })
        let events = ControlEventLog(supervisor)
        router.get("/events") { request in ControlEvents.stream(events, request: request, permitted: access.permitsPrivateData(request)) }
        router.get(.exact(ControlAPI.status)) { _ in json(supervisor.status) }
        router.get("/metrics") { _ in
            var jobs = PrometheusText()
            JobMetricsText.render(supervisor.jobs?.scheduler.jobMetrics ?? [], into: &jobs)
            return .text(SupervisorMetrics.render(supervisor.status) + jobs.text, headers: ["Content-Type": PrometheusText.contentType])
        }
        router.get(.exact(ControlAPI.journal)) { _ in
            guard let journal = supervisor.jobs?.journal else { return failure("steward has no jobs, so no journal", status: .notFound) }
            let health = journal.health
            return json(ControlAPI.JournalBody(path: journal.location, healthy: health.isHealthy, reason: health.reason))
        }
        router.get(.exact(ControlAPI.nodes)) { _ in
            guard let shared = supervisor.jobs?.journal as? any SharedRunStore else {
                return failure("the journal is not shared: nodes exist only with journal.postgres", status: .notFound)
            }
            do throws(RunStoreError) {
                return json(try await shared.nodes().map { NodeBody($0, thisNode: shared.node, lease: shared.lease) })
            } catch {
                return failure("\(error)", status: .serviceUnavailable)
            }
        }
        router.get(.exact(ControlAPI.wait)) { request in await waitUntilReady(supervisor, request) }
        JobRoutes.mount(on: &router, scheduler: { supervisor.jobs?.scheduler }, access: access,
                        audit: ControlAudit.recorder(for: supervisor))
        MonitorRoutes.mount(on: &router)
        router.get("/") { request in MonitorRoutes.index(request) }
        router.add(.get, .exact(ControlAPI.audit), protected { request in await ControlAudit.list(supervisor, request) })
        func protected(_ handle: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) -> HTTPClosureHandler {
            guarded(access, handle)
        }
        router.add(.post, .exact(ControlAPI.reload), protected { request in
            let outcome = await supervisor.reload()
            let response = outcome.problems.isEmpty ? message("\(outcome)") : failure("\(outcome)", status: .conflict)
            await ControlAudit.record(supervisor, request, action: "reload", target: "", detail: ControlAudit.outcome(of: response))
            return response
        })
        router.add(.post, .exact(ControlAPI.shutdown), protected { request in
            // Recorded first: the shutdown closes the journal.
            await ControlAudit.record(supervisor, request, action: "shutdown", target: "", detail: "shutting down")
            lifecycle.requestShutdown()
            return message("shutting down", status: .accepted)
        })
        router.add(.post, .prefix(ControlAPI.processes), protected { request in
            let response = await processAction(supervisor, request)
            let parts = (request.pathRemainder ?? "").split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            await ControlAudit.record(supervisor, request, action: parts.count == 2 ? parts[1] : "process", target: parts.first ?? "",
                                      detail: ControlAudit.outcome(of: response))
            return response
        })
        router.add(.get, .prefix(ControlAPI.processes), protected { request in processLogs(supervisor, request) })
        return router
    }

    /// `POST /processes/NAME/{start,stop,restart,signal}`.
    static func processAction(_ supervisor: Supervisor, _ request: HTTPRequest) async -> HTTPResponse {
        let parts = (request.pathRemainder ?? "").split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { return failure("expected /processes/NAME/ACTION", status: .notFound) }
        let (name, action) = (parts[0], parts[1])
        do throws(ProcessControlError) {
            switch action {
            case "stop": return message(try await supervisor.stop(name))
            case "start": return message(try await supervisor.start(name))
            case "restart": return message(try await supervisor.restart(name))
            case "signal":
                guard let text = request.queryValue("signal"), let number = SignalName.number(of: text), (1...64).contains(number) else {
                    return failure("signal: expected ?signal=NAME or N (HUP, SIGUSR1, 10; numbers 1 to 64)", status: .badRequest)
                }
                try supervisor.process(name).signalByOperator(number)
                return message("sent \(SignalName.name(of: number)) to \(name)")
            default:
                return failure("unknown action \"\(action)\" (start, stop, restart, signal)", status: .notFound)
            }
        } catch {
            return failure("\(error)", status: supervisor.directory[name] == nil ? .notFound : .conflict)
        }
    }

    /// `GET /processes/NAME/logs?lines=N[&follow]`: the recent output, then (following) new
    /// lines as they come, until the client goes or steward stops.
    static func processLogs(_ supervisor: Supervisor, _ request: HTTPRequest) -> HTTPResponse {
        let parts = (request.pathRemainder ?? "").split(separator: "/").map(String.init)
        guard parts.count == 2, parts[1] == "logs" else { return failure("expected /processes/NAME/logs", status: .notFound) }
        guard let entry = supervisor.directory[parts[0]] else {
            return failure("\(ProcessControlError.unknown(parts[0], known: supervisor.directory.names))", status: .notFound)
        }
        var count = 100
        if let text = request.queryValue("lines") {
            guard let parsed = Int(text), parsed >= 0 else { return failure("lines: expected a count, got \"\(text)\"", status: .badRequest) }
            count = parsed
        }
        let pump = entry.output
        guard request.hasQueryItem("follow") else {
            return .text(pump.recentLines(count).map { $0 + "\n" }.joined())
        }
        return .stream(headers: ["Content-Type": "text/plain; charset=utf-8"]) { [count] writer in
            let (recent, token) = pump.follow(recent: count, { line in
                if !writer.send(line + "\n") { writer.finish() }
            }, onEnd: { writer.finish() })
            defer { pump.unfollow(token) }
            for line in recent where !writer.send(line + "\n") { return }
            await writer.waitUntilClosed()
        }
    }

    /// The longest one `/wait` request waits; a client wanting longer asks again.
    public static let longestWait = Duration.seconds(60)

    /// `GET /wait?timeout=D`: 200 once ready; 503 when the timeout (at most ``longestWait``)
    /// passes first; 409 once shutdown has begun (readiness will not come back).
    static func waitUntilReady(_ supervisor: Supervisor, _ request: HTTPRequest) async -> HTTPResponse {
        var timeout = longestWait
        if let text = request.queryValue("timeout") {
            guard let parsed = try? Duration(parsing: text) else {
                return failure("timeout: expected a duration such as 30s, got \"\(text)\"", status: .badRequest)
            }
            timeout = min(parsed, longestWait)
        }
        let probes = LifecycleProbes(lifecycle: supervisor.lifecycle) { journalCheck(supervisor) }
        if await probes.waitUntilReady(timeout: timeout) { return message("ready") }
        if supervisor.lifecycle.isShuttingDown { return failure("steward is shutting down", status: .conflict) }
        let failing = probes.readiness.checks.filter { !$0.passed && $0.isCritical }.map { "\($0.name): \($0.reason ?? "failed")" }
        return failure("not ready after \(timeout.compactDescription): \(failing.joined(separator: "; "))", status: .serviceUnavailable)
    }

    /// `handle`, behind the bearer-token check when `access` requires a token.
    /// Over TCP without a token: 403 saying how to enable actions; with one: 401 without it.
    static func guarded(_ access: ControlAccess, _ handle: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) -> HTTPClosureHandler {
        HTTPClosureHandler { request in
            if let rejection = access.rejection(for: request) { return rejection }
            return await handle(request)
        }
    }

    /// The journal's health as a non-critical readiness check: a journal that cannot be written
    /// shows in `/readyz?verbose` but never makes steward unready.
    static func journalCheck(_ supervisor: Supervisor) -> [ProbeReport.Check] {
        guard let health = supervisor.jobs?.journal?.health else { return [] }
        let unchanged = Duration.milliseconds(Int64(max(0, Date().timeIntervalSince(health.since)) * 1000))
        // One line: a database's message may span several (libpq's hints), and /readyz?verbose is line-based.
        let reason = health.reason.map { text in
            text.split(whereSeparator: \.isNewline).map { line in String(line.drop { $0 == " " || $0 == "\t" }) }.joined(separator: " ")
        }
        return [ProbeReport.Check(name: "journal", passed: health.isHealthy, reason: reason, isCritical: false,
                                  unchangedFor: unchanged)]
    }

    static func json(_ value: some Encodable, status: HTTPStatus = .ok) -> HTTPResponse {
        (try? .json(encoding: value, status: status, encoder: .steward)) ?? .status(.internalServerError)
    }

    static func message(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        json(ControlAPI.MessageBody(message: text), status: status)
    }

    static func failure(_ text: String, status: HTTPStatus) -> HTTPResponse {
        json(ControlAPI.ErrorBody(error: text), status: status)
    }
}
