import StewardCore
import StewardHTTP
import StewardJobs
import StewardSupervisor
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The audit of operator actions: every action route records who asked, what, of what, how it
/// went, and the run it concerns, in the supervisor's `Supervisor.auditLog` (the jobs' journal,
/// or memory without jobs), and logs it. Listed by `GET /audit` and `steward audit`.
///
/// Who asked (``actor(of:)``): `uid N` on the control socket (the peer's credentials, which the
/// socket checks anyway); over TCP `monitor` when the request carries `X-Steward-Client: monitor`,
/// else `http`.
public enum ControlAudit {
    /// The header the web monitor sends on every action.
    public static let clientHeader = "X-Steward-Client"

    /// Who sent `request`: `uid 1000`, `monitor` or `http`.
    public static func actor(of request: HTTPRequest) -> String {
        if let peer = request.peer { return "uid \(peer.uid)" }
        if request.headers[clientHeader]?.lowercased() == "monitor" { return "monitor" }
        return "http"
    }

    /// Records one action asked by `request`: `action` (`trigger`, `stop`, …) of `target` (a job,
    /// process or run; empty for steward itself), `detail` (the outcome for people), and the run
    /// it concerns. Never fails the action: an audit that cannot be written is logged as a
    /// warning (the log line carries the entry).
    public static func record(_ supervisor: Supervisor, _ request: HTTPRequest, action: String, target: String,
                              detail: String, runId: RunID? = nil) async {
        await record(supervisor, actor: actor(of: request), action: action, target: target, detail: detail, runId: runId)
    }

    /// Records one action asked by something other than a request: `actor` says who (`signal
    /// SIGHUP` for a reload on SIGHUP).
    public static func record(_ supervisor: Supervisor, actor: String, action: String, target: String,
                              detail: String, runId: RunID? = nil) async {
        let entry = AuditEntry(at: Date(), actor: actor, action: action, target: target, detail: detail, runId: runId)
        var metadata = ["actor": entry.actor, "action": action, "target": target, "detail": detail]
        if let runId { metadata["run"] = runId.rawValue }
        do throws(RunStoreError) {
            try await supervisor.auditLog.recordAudit(entry)
            supervisor.logger.info("operator action", metadata: metadata)
        } catch {
            metadata["error"] = "\(error)"
            supervisor.logger.warning("operator action not recorded in the audit", metadata: metadata)
        }
    }

    /// Records what a route asked by a request did: `(request, action, target, detail, runId)`.
    public typealias Recorder = @Sendable (HTTPRequest, _ action: String, _ target: String, _ detail: String, _ runId: RunID?) async -> Void

    /// A ``Recorder`` into `supervisor`'s audit (for routes that do not see the supervisor).
    public static func recorder(for supervisor: Supervisor) -> Recorder {
        { request, action, target, detail, runId in
            await record(supervisor, request, action: action, target: target, detail: detail, runId: runId)
        }
    }

    /// The outcome text of a response, for ``record(_:_:action:target:detail:runId:)``'s
    /// `detail`: its `message`, or `refused (CODE): error`, else its status.
    public static func outcome(of response: HTTPResponse) -> String {
        if let bytes = response.body.bytes {
            let data = Data(bytes)
            if let body = try? JSONDecoder().decode(ControlAPI.MessageBody.self, from: data) { return body.message }
            if let body = try? JSONDecoder().decode(ControlAPI.ErrorBody.self, from: data) {
                return "refused (\(response.status.code)): \(body.error)"
            }
        }
        return "HTTP \(response.status.code)"
    }

    /// `GET /audit?limit=N`: the newest entries (default 100), newest first, as ``AuditBody``.
    static func list(_ supervisor: Supervisor, _ request: HTTPRequest) async -> HTTPResponse {
        var limit = 100
        if let text = request.queryValue("limit") {
            guard let count = Int(text), count > 0 else {
                return ControlRoutes.failure("limit: expected a positive count, got \"\(text)\"", status: .badRequest)
            }
            limit = count
        }
        do throws(RunStoreError) {
            return ControlRoutes.json(try await supervisor.auditLog.auditEntries(limit: limit).map(AuditBody.init))
        } catch {
            return ControlRoutes.failure("\(error)", status: .serviceUnavailable)
        }
    }
}

/// An audit entry as `GET /audit` and `steward audit --json` serve it.
public struct AuditBody: Codable, Sendable, Equatable {
    /// When.
    public var at: Date
    /// Who: `uid 1000`, `http` or `monitor`.
    public var actor: String
    /// What: `trigger`, `stop`, `restart`, …
    public var action: String
    /// Of what: a job, process or run; empty for steward itself.
    public var target: String
    /// How it went.
    public var detail: String
    /// The run concerned, if any.
    public var runId: String?

    /// Converts `entry`.
    public init(_ entry: AuditEntry) {
        at = entry.at
        actor = entry.actor
        action = entry.action
        target = entry.target
        detail = entry.detail
        runId = entry.runId?.rawValue
    }
}
