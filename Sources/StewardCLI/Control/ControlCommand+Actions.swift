import StewardControl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ControlCommand {
    /// `trigger`, `jobs enable|disable|reset|reschedule` and `run retry` over the control socket
    /// (see ``JobActionRoutes``); returns the exit code: 0 done, 1 refused (steward's reason on
    /// standard error) or, for `trigger`, skipped by the overlap policy.
    static func performAction(_ action: Action, _ client: ControlClient) throws(ControlClient.Failure) -> Int32 {
        let by = "?by=" + ControlClient.encode(requester())
        switch action {
        case .trigger(let job, let body, let output):
            return try started(client.request("POST", "/jobs/\(ControlClient.encode(job))/trigger" + by, body: Array(body.utf8)),
                               job: job, output: output)
        case .runRetry(let id):
            return try started(client.request("POST", "/runs/\(ControlClient.encode(id))/retry" + by), job: nil, output: .text)
        case .jobChange(let job, let change):
            return try act(client, "POST", "/jobs/\(ControlClient.encode(job))/\(change)")
        case .reschedule(let job, let body):
            return try act(client, "POST", "/jobs/\(ControlClient.encode(job))/reschedule", body: body)
        default:
            throw ControlClient.Failure(description: "internal: not a job action")
        }
    }

    /// Prints the run a trigger or retry started, as `output` asks.
    private static func started(_ response: ControlClient.Response, job: String?, output: JobActionCommand.Output) throws(ControlClient.Failure) -> Int32 {
        guard (200..<300).contains(response.status) else { return failed(response) }
        let body: JobRoutes.TriggerBody = try decode(response)
        let skipped = body.state == "skipped"
        switch output {
        case .json: print(response.text)
        case .quiet: print(body.runId)
        case .text:
            let name = job.map { "\($0): " } ?? ""
            if skipped {
                print("\(name)skipped (a run is already active; overlap policy) — run \(body.runId)")
            } else if let due = body.scheduledFor {
                print("\(name)run \(body.runId) scheduled for \(due)")
            } else {
                print("\(name)run \(body.runId) \(body.state)")
            }
        }
        return skipped ? ExitCodes.failure : ExitCodes.success
    }
}
