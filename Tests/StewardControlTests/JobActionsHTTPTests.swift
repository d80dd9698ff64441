import Foundation
import StewardControl
import TestSupport
import Testing

/// The job actions over TCP through a real `steward run`: 403 saying how to enable them without
/// `http.token`, 401 without the right token, 400 naming the field for a bad body (nothing
/// changed), and the actions themselves.
@Suite("job actions over HTTP", .timeLimit(.minutes(1)))
struct JobActionsHTTPTests {
    typealias Running = ControlPlaneTests.Running
    static let bearer = ["Authorization: Bearer s3cret"]

    @Test("without http.token every action answers 403 saying to set http.token; reads still work")
    func forbiddenWithoutToken() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"echo: { command: ["true"] }"#)
        #expect(await eventually { await steward.http.get("/readyz")?.status == 200 })
        let trigger = try await steward.client(["trigger", "echo", "-q"])
        let runId = try #require(trigger.output.first)
        for (method, path) in [("POST", "/jobs/echo/trigger"), ("POST", "/jobs/echo/disable"), ("POST", "/jobs/echo/reschedule"),
                               ("POST", "/runs/\(runId)/retry"), ("POST", "/runs/\(runId)/stop"), ("GET", "/runs/\(runId)/log"),
                               ("POST", "/shutdown"), ("POST", "/processes/idle/restart"), ("GET", "/processes/idle/logs")] {
            let response = try #require(await steward.http.request(method, path))
            #expect(response.status == 403, "\(method) \(path)")
            #expect(response.body.contains("set http.token in the config"), "\(method) \(path): \(response.body)")
        }
        #expect(await steward.http.get("/jobs")?.body.contains("\"enabled\":true") == true, "nothing changed")
        #expect(await steward.http.get("/runs/\(runId.prefix(8))")?.status == 200, "a record is readable by a unique prefix")
    }

    @Test("with http.token: 401 without it or with a wrong one; trigger with input and a delay, enable/disable/reschedule/reset, retry, signal names")
    func actionsWithToken() async throws {
        let steward = try await Running("idle: { command: [\"sh\", \"-c\", \"trap 'echo got-hup' HUP; trap 'echo got-usr1' USR1; while true; do sleep 0.1; done\"] }",
                                  jobs: #"echo: { command: ["sh", "-c", "echo \"input=$STEWARD_INPUT\""], every: "1h" }"#, token: "s3cret")
        #expect(await eventually { await steward.http.get("/readyz")?.status == 200 })
        #expect(await steward.http.request("POST", "/jobs/echo/trigger")?.status == 401)
        #expect(await steward.http.request("POST", "/jobs/echo/disable", headers: ["Authorization: Bearer wrong"])?.status == 401)

        // Bad bodies: 400 naming the field, nothing changed.
        let bad: [(String, String, String)] = [
            ("/jobs/echo/trigger", #"{"input": "#, "body: invalid JSON"),
            ("/jobs/echo/trigger", #"{"in": "soon"}"#, "in: expected a duration"),
            ("/jobs/echo/trigger", #"{"at": "2020-01-01T00:00:00Z"}"#, "at: 2020-01-01T00:00:00Z is in the past"),
            ("/jobs/echo/trigger", #"{"when": "now"}"#, "when: unknown key"),
            ("/jobs/echo/reschedule", #"{"schedule": "99 * * * *"}"#, "schedule: invalid cron expression"),
            ("/jobs/echo/reschedule", #"{"every": "5m", "zone": "Nowhere/City"}"#, "zone: unknown time zone"),
        ]
        for (path, body, message) in bad {
            let response = try #require(await steward.http.request("POST", path, headers: Self.bearer, body: body))
            #expect(response.status == 400, "\(path) \(body): \(response.status)")
            #expect(response.body.contains(message), "\(path) \(body): \(response.body)")
        }
        #expect(await steward.http.request("POST", "/jobs/nope/trigger", headers: Self.bearer)?.status == 404)
        #expect(await steward.http.get("/runs")?.body == "[]", "no run was created")
        #expect(await steward.http.get("/jobs")?.body.contains("\"schedule\":\"every 1h") == true)

        let later = try #require(await steward.http.request("POST", "/jobs/echo/trigger", headers: Self.bearer,
                                                          body: #"{"input": {"x": 1}, "in": "1h"}"#))
        #expect(later.status == 202)
        let body = try JSONDecoder().decode(JobRoutes.TriggerBody.self, from: Data(later.body.utf8))
        #expect(body.state == "scheduled" && body.scheduledFor != nil)
        let now = try #require(await steward.http.request("POST", "/jobs/echo/trigger", headers: Self.bearer, body: #"{"input": [1, "two"]}"#))
        let run = try JSONDecoder().decode(JobRoutes.TriggerBody.self, from: Data(now.body.utf8))
        #expect(await eventually { await steward.http.get("/runs/\(run.runId)")?.body.contains("\"state\":\"succeeded\"") == true })
        let log = await steward.http.request("GET", "/runs/\(run.runId.prefix(10))/log", headers: Self.bearer)
        #expect(log?.body.contains(#"input=[1,"two"]"#) == true, "\(log?.body ?? "nil")")

        let retry = try #require(await steward.http.request("POST", "/runs/\(run.runId.prefix(10))/retry", headers: Self.bearer))
        #expect(retry.status == 202, "\(retry.body)")
        let retried = try JSONDecoder().decode(JobRoutes.TriggerBody.self, from: Data(retry.body.utf8))
        #expect(await eventually { await steward.http.get("/runs/\(retried.runId)")?.body.contains("\"retryOf\":\"\(run.runId)\"") == true })

        #expect(await steward.http.request("POST", "/jobs/echo/disable", headers: Self.bearer)?.status == 200)
        #expect(await steward.http.get("/jobs")?.body.contains("\"enabled\":false") == true)
        let rescheduled = await steward.http.request("POST", "/jobs/echo/reschedule", headers: Self.bearer,
                                                     body: #"{"schedule": "0 3 * * *", "zone": "Europe/Berlin"}"#)
        #expect(rescheduled?.status == 200, "\(rescheduled?.body ?? "nil")")
        let jobs = await steward.http.get("/jobs")?.body ?? ""
        #expect(jobs.contains("0 3 * * *") && jobs.contains("Berlin"), "\(jobs)")
        #expect(await steward.http.request("POST", "/jobs/echo/reset", headers: Self.bearer)?.status == 200)
        let reset = await steward.http.get("/jobs")?.body ?? ""
        #expect(reset.contains("\"enabled\":true") && reset.contains("\"schedule\":\"every 1h"), "\(reset)")

        for signal in ["HUP", "SIGUSR1", "10"] {
            let response = await steward.http.request("POST", "/processes/idle/signal?signal=\(signal)", headers: Self.bearer)
            #expect(response?.status == 200, "\(signal): \(response?.body ?? "nil")")
        }
        let unknownSignal = await steward.http.request("POST", "/processes/idle/signal?signal=SIGNOPE", headers: Self.bearer)
        #expect(unknownSignal?.status == 400 && unknownSignal?.body.contains("signal:") == true)
        #expect(await eventually {
            let logs = await steward.http.request("GET", "/processes/idle/logs", headers: Self.bearer)?.body ?? ""
            return logs.contains("got-hup") && logs.contains("got-usr1")
        })
    }
}
