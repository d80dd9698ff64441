import StewardCore
import StewardHTTP
import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every job and run action of the control API, in one place (each passes through
/// `ControlRoutes.guarded(_:_:)`: 403 over TCP without `http.token`, 401 without the right token):
/// - `POST /jobs/NAME/trigger` (body: `{"input": …, "at": "…", "in": "10m", "parent": "RUNID"}`,
///   all optional) → 202 `{"runId", "state"}` (`queued`, `running`, `skipped`, `scheduled`);
/// - `POST /jobs/NAME/enable`, `/disable`, `/reset` → 200 `{"message"}`;
/// - `POST /jobs/NAME/reschedule` (body: one of `schedule` (cron), `every`, `at`, and `zone`,
///   `start`, `end`) → 200 `{"message"}`;
/// - `POST /runs/ID/stop` → 202; `POST /runs/ID/retry` → 202 `{"runId", "state"}`.
///
/// `ID` is a run id or a unique prefix of one (409 naming the matches when several runs match).
/// A bad body is 400 naming the field; nothing changes. Every action that reaches its route is
/// recorded in the audit, refusals included.
public enum JobActionRoutes {
    static func mount(on router: inout HTTPRouter, scheduler: @escaping @Sendable () -> JobScheduler?, access: ControlAccess,
                      audit: @escaping ControlAudit.Recorder) {
        router.add(.post, .prefix("/jobs/"), ControlRoutes.guarded(access) { request in
            let parts = (request.pathRemainder ?? "").split(separator: "/").map(String.init)
            let actions = ["trigger", "enable", "disable", "reset", "reschedule"]
            guard parts.count == 2, actions.contains(parts[1]) else {
                return ControlRoutes.failure("expected /jobs/NAME/{\(actions.joined(separator: ","))}", status: .notFound)
            }
            let (response, runId) = if let scheduler = scheduler() {
                await jobAction(parts[1], JobID(parts[0]), scheduler, request)
            } else {
                (ControlRoutes.failure("no job named \"\(parts[0])\" (no jobs configured)", status: .notFound), nil as RunID?)
            }
            await audit(request, parts[1], parts[0], runId.map { "run \($0)" } ?? ControlAudit.outcome(of: response), runId)
            return response
        })
        router.add(.post, .prefix("/runs/"), ControlRoutes.guarded(access) { request in
            let parts = (request.pathRemainder ?? "").split(separator: "/").map(String.init)
            guard parts.count == 2, ["stop", "retry"].contains(parts[1]) else {
                return ControlRoutes.failure("expected /runs/ID/stop or /runs/ID/retry", status: .notFound)
            }
            let (response, runId) = if let scheduler = scheduler() {
                await runAction(parts[1], parts[0], scheduler, request)
            } else {
                (ControlRoutes.failure("no run \(parts[0])", status: .notFound), nil as RunID?)
            }
            await audit(request, parts[1], parts[0], ControlAudit.outcome(of: response), runId)
            return response
        })
    }

    /// The response, and the new run's id for a trigger.
    private static func jobAction(_ action: String, _ jobId: JobID, _ scheduler: JobScheduler, _ request: HTTPRequest) async -> (HTTPResponse, RunID?) {
        do throws(JobSchedulerError) {
            switch action {
            case "trigger":
                let runRequest: RunRequest
                do throws(JobActionRequest.Problem) {
                    let body = try JobActionRequest.object(request.bodyText, keys: JobActionRequest.triggerKeys)
                    runRequest = try JobActionRequest.runRequest(body, now: Date(), requestedBy: request.queryValue("by") ?? "control")
                } catch {
                    return (ControlRoutes.failure("\(error)", status: .badRequest), nil)
                }
                let runId = try await scheduler.submit(jobId, runRequest)
                return (await accepted(runId, scheduler), runId)
            case "enable":
                try await scheduler.enable(jobId)
                return (ControlRoutes.message("\(jobId): enabled (kept until its config entry changes or steward jobs reset)"), nil)
            case "disable":
                try await scheduler.disable(jobId)
                return (ControlRoutes.message("\(jobId): disabled (kept until its config entry changes or steward jobs reset)"), nil)
            case "reset":
                let dropped = try await scheduler.reset(jobId)
                return (ControlRoutes.message(dropped ? "\(jobId): runtime changes dropped; it follows its config again"
                                              : "\(jobId): no runtime changes; it follows its config"), nil)
            default:
                let change: ScheduleOverride
                do throws(JobActionRequest.Problem) {
                    change = try JobActionRequest.scheduleOverride(try JobActionRequest.object(request.bodyText, keys: JobActionRequest.rescheduleKeys))
                } catch {
                    return (ControlRoutes.failure("\(error)", status: .badRequest), nil)
                }
                let schedule = try await scheduler.reschedule(jobId, to: change)
                return (ControlRoutes.message("\(jobId): rescheduled to \(schedule) (kept until its config entry changes or steward jobs reset)"), nil)
            }
        } catch {
            return (failure(error), nil)
        }
    }

    /// The response, and the run the action concerns once the id or prefix was resolved.
    private static func runAction(_ action: String, _ text: String, _ scheduler: JobScheduler, _ request: HTTPRequest) async -> (HTTPResponse, RunID?) {
        var resolved: RunID?
        do throws(JobSchedulerError) {
            let runId = try await scheduler.findRun(text).runId
            resolved = runId
            if action == "stop" {
                try await scheduler.stop(runId)
                return (ControlRoutes.message("stopping run \(runId)", status: .accepted), runId)
            }
            let newRun = try await scheduler.retry(runId, requestedBy: request.queryValue("by") ?? "control")
            return (await accepted(newRun, scheduler), runId)
        } catch {
            return (failure(error), resolved)
        }
    }

    /// 202 with the new run's id and state (`scheduled` for a run waiting for its instant).
    private static func accepted(_ runId: RunID, _ scheduler: JobScheduler) async -> HTTPResponse {
        let record = try? await scheduler.run(runId)
        var state = record?.state.name ?? "queued"
        if record?.state == .queued, record?.scheduledFor != nil { state = "scheduled" }
        return ControlRoutes.json(JobRoutes.TriggerBody(runId: runId.rawValue, state: state,
                                                        scheduledFor: record?.scheduledFor.map { InstantText.format($0) }),
                                  status: .accepted)
    }

    /// The status for a refusal: 404 unknown job or run, 400 a bad value, 409 otherwise.
    static func failure(_ error: JobSchedulerError) -> HTTPResponse {
        let status: HTTPStatus = switch error.kind {
        case .unknownJob, .unknownRun: .notFound
        case .invalidRequest: .badRequest
        case .journal: .serviceUnavailable
        default: .conflict
        }
        return ControlRoutes.failure(error.message, status: status)
    }
}
