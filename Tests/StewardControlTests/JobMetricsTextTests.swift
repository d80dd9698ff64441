@testable import StewardControl
import StewardJobs
import Testing

@Suite("Job metrics in the text format")
struct JobMetricsTextTests {
    @Test("a job name with a quote, a backslash and a newline reads back intact; histogram buckets, sum and count")
    func escapedJobLabel() throws {
        let name = "we\"ird\\job\nname"
        var figures = JobMetrics(id: JobID(name), runsByState: [.failed: 2], running: 1)
        figures.durationBucketCounts = JobMetrics.durationBuckets.map { $0 >= 5 ? 1 : 0 }
        figures.durationSum = 4.5
        figures.durationCount = 1
        var out = PrometheusText()
        JobMetricsText.render([figures], into: &out)
        let parsed = try ParsedMetrics(out.text)
        #expect(parsed.value("steward_job_runs_total", ["job": name, "state": "failed"]) == 2)
        #expect(parsed.value("steward_job_runs_total", ["job": name, "state": "succeeded"]) == 0)
        #expect(parsed.value("steward_job_running", ["job": name]) == 1)
        #expect(parsed.value("steward_job_run_duration_seconds_bucket", ["job": name, "le": "1"]) == 0)
        #expect(parsed.value("steward_job_run_duration_seconds_bucket", ["job": name, "le": "5"]) == 1)
        #expect(parsed.value("steward_job_run_duration_seconds_bucket", ["job": name, "le": "0.1"]) == 0)
        #expect(parsed.value("steward_job_run_duration_seconds_bucket", ["job": name, "le": "+Inf"]) == 1)
        #expect(parsed.value("steward_job_run_duration_seconds_sum", ["job": name]) == 4.5)
        #expect(parsed.value("steward_job_run_duration_seconds_count", ["job": name]) == 1)
        #expect(parsed.value("steward_job_last_success_timestamp_seconds", ["job": name]) == nil)
        #expect(parsed.types["steward_job_run_duration_seconds"] == "histogram")
        #expect(out.text.contains(#"job="we\"ird\\job\nname""#))
        #expect(out.text.split(separator: "\n").filter { $0.hasPrefix("# TYPE steward_job_run_duration_seconds ") }.count == 1)
    }
}
