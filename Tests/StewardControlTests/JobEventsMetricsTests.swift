import Foundation
import StewardControl
import StewardCore
import TestSupport
import Testing

/// `/events`' progress and job events and `/metrics`' job families, read from a real steward
/// over a real socket.
@Suite("Job progress and changes on /events, job figures on /metrics", .timeLimit(.minutes(1)))
struct JobEventsMetricsTests {
    typealias Running = ControlPlaneTests.Running

    /// The `data:` JSON objects of the events of kind `kind`, in order.
    static func events(_ kind: String, in lines: [String]) -> [[String: Any]] {
        var result: [[String: Any]] = []
        for (index, line) in lines.enumerated() where line == "event: \(kind)" {
            // The event's `data:` line, after its other fields (`id:`), before the blank line.
            guard let data = lines[(index + 1)...].prefix(while: { !$0.isEmpty }).first(where: { $0.hasPrefix("data: ") }),
                  let object = try? JSONSerialization.jsonObject(with: Data(data.dropFirst(6).utf8)) as? [String: Any] else { continue }
            result.append(object)
        }
        return result
    }

    @Test("a job reporting progress 1000 times quickly: at most ~10 progress events a second, the last one 100 %, before the run's end")
    func progressCoalescedOverSSE() async throws {
        let flag = "/tmp/steward-progress-flag-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(flag) }
        let script = "while [ ! -e \(flag) ]; do sleep 0.02; done; i=0; while [ $i -lt 1000 ]; do i=$((i+1)); "
            + "echo \"STEWARD_PROGRESS $((i/10))% step $i\"; if [ $((i % 100)) -eq 0 ]; then sleep 0.03; fi; done"
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: """
            busy: { command: ["sh", "-c", \(String(reflecting: script))] },
            hourly: { command: ["true"], every: "1h" }
            """)
        let trigger = try await steward.client(["trigger", "busy"])
        try #require(trigger.code == 0, "\(trigger.output)")
        let runId = try #require(trigger.output.first?.split(separator: " ").dropFirst(2).first.map(String.init))
        let started = ContinuousClock.now
        // The job starts reporting once the stream is connected (its first line is the comment).
        let lines = await steward.http.streamLines("/events") { lines in
            if lines.contains(": steward events") { close(open(flag, O_CREAT | O_WRONLY, 0o644)) }
            return lines.contains { $0.contains("\"runId\":\"\(runId)\"") && $0.contains("\"state\":\"succeeded\"") }
        }
        let elapsed = ContinuousClock.now - started
        let progress = Self.events("progress", in: lines).filter { $0["runId"] as? String == runId }
        let last = try #require(progress.last, "no progress events: \(lines.suffix(5))")
        #expect(last["percent"] as? Double == 100)
        #expect(last["message"] as? String == "step 1000")
        #expect(last["job"] as? String == "busy")
        #expect(last["at"] is String)
        #expect(progress.count <= Int(elapsed / .milliseconds(100)) + 2, "\(progress.count) progress events in \(elapsed)")
        #expect(progress.count < 100)
        let percents = progress.compactMap { $0["percent"] as? Double }
        #expect(percents == percents.sorted())
        // The last progress event comes before the run's final record.
        let lastProgress = try #require(lines.lastIndex { $0.hasPrefix("data: ") && $0.contains("\"message\":\"step 1000\"") })
        let finalRun = try #require(lines.lastIndex { $0.contains("\"runId\":\"\(runId)\"") && $0.contains("\"state\":\"succeeded\"") })
        #expect(lastProgress < finalRun)

        let response = try #require(await steward.http.get("/metrics"))
        #expect(response.head.lowercased().contains("text/plain; version=0.0.4"))
        let metrics = try ParsedMetrics(response.body)
        #expect(metrics.types["steward_job_runs_total"] == "counter")
        #expect(metrics.types["steward_job_run_duration_seconds"] == "histogram")
        #expect(metrics.value("steward_job_runs_total", ["job": "busy", "state": "succeeded"]) == 1)
        #expect(metrics.value("steward_job_runs_total", ["job": "busy", "state": "failed"]) == 0)
        #expect(metrics.value("steward_job_running", ["job": "busy"]) == 0)
        #expect(metrics.value("steward_job_run_duration_seconds_count", ["job": "busy"]) == 1)
        #expect(metrics.value("steward_job_run_duration_seconds_bucket", ["job": "busy", "le": "+Inf"]) == 1)
        let buckets = metrics.samples.filter { $0.name == "steward_job_run_duration_seconds_bucket" && $0.labels["job"] == "busy" }.map(\.value)
        #expect(buckets.count == 13 && buckets == buckets.sorted(), "cumulative buckets: \(buckets)")
        let lastSuccess = try #require(metrics.value("steward_job_last_success_timestamp_seconds", ["job": "busy"]))
        #expect(abs(lastSuccess - Date().timeIntervalSince1970) < 600)
        let nextFire = try #require(metrics.value("steward_job_next_fire_timestamp_seconds", ["job": "hourly"]))
        #expect(nextFire > Date().timeIntervalSince1970)
        #expect(metrics.value("steward_job_next_fire_timestamp_seconds", ["job": "busy"]) == nil)
    }

    @Test("a reload that adds a job and changes another sends event: job (defined, removed) with the job's body")
    func jobChangesOverSSE() async throws {
        let steward = try await Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"first: { command: ["true"] }"#)
        let configPath = steward.directory + "/steward.json5"
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        try config.replacingOccurrences(of: #"first: { command: ["true"] }"#,
                                        with: #"first: { command: ["true"], every: "1h" }, second: { command: ["true"], description: "new" }"#)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let reload = [ControlPlaneTests.steward, "reload", "--socket", steward.socket]
        let once = steward.directory + "/reloaded"  // O_EXCL: the reload is asked for once
        let lines = await steward.http.streamLines("/events") { lines in
            if lines.contains(": steward events") {
                let descriptor = open(once, O_CREAT | O_EXCL | O_WRONLY, 0o644)
                if descriptor >= 0 {
                    close(descriptor)
                    Task.detached { _ = await (try? ChildProgram(reload))?.waitForExit() }
                }
            }
            let jobs = Self.events("job", in: lines)
            return jobs.contains { $0["id"] as? String == "second" }
                && jobs.contains { $0["id"] as? String == "first" && $0["change"] as? String == "defined" && $0["schedule"] != nil }
        }
        let jobs = Self.events("job", in: lines)
        let second = try #require(jobs.first { $0["id"] as? String == "second" }, "\(lines)")
        #expect(second["change"] as? String == "defined")
        #expect(second["description"] as? String == "new")
        #expect(second["enabled"] as? Bool == true)
        // (A stream connected before the jobs component started also sees their first definition.)
        let first = jobs.filter { $0["id"] as? String == "first" }
        // A changed job is redefined in place: one `defined` with the new schedule, no removal.
        #expect(first.last?["change"] as? String == "defined", "\(first)")
        #expect(!first.contains { $0["change"] as? String == "removed" }, "\(first)")
        #expect(first.last?["schedule"] as? String != nil)
    }
}
