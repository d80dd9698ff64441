import StewardJobs

/// The jobs' part of `/metrics`, per job (label `job`):
///
/// | metric | kind | labels |
/// |---|---|---|
/// | `steward_job_runs_total` | counter (runs that reached the state since steward started) | `job`, `state` |
/// | `steward_job_running` | gauge (runs executing now) | `job` |
/// | `steward_job_last_success_timestamp_seconds` | gauge (Unix time; once a run succeeded) | `job` |
/// | `steward_job_run_duration_seconds` | histogram (runs that started and ended) | `job` |
/// | `steward_job_next_fire_timestamp_seconds` | gauge (Unix time; enabled, scheduled jobs) | `job` |
///
/// `steward_job_runs_total` has a series for every final state (`succeeded`, `failed`, `stopped`,
/// `killed`, `timedOut`, `crashed`, `interrupted`, `skipped`, `missed`), zero until it happens.
/// The duration buckets are `JobMetrics.durationBuckets`: 0.1, 0.5, 1, 5, 15, 30, 60, 300,
/// 900, 1800, 3600 and 10800 seconds, and `+Inf`.
public enum JobMetricsText {
    /// The final states `steward_job_runs_total` enumerates.
    static let finalStates = RunState.allCases.filter(\.isFinal)

    /// Appends the jobs' families to `out`.
    public static func render(_ jobs: [JobMetrics], into out: inout PrometheusText) {
        func per(_ value: (JobMetrics) -> Double?) -> [(labels: [(String, String)], value: Double)] {
            jobs.compactMap { job in value(job).map { ([("job", job.id.rawValue)], $0) } }
        }
        out.family("steward_job_runs_total", .counter, help: "Runs of the job that reached the state since steward started.",
                   jobs.flatMap { job in
                       finalStates.map { state in ([("job", job.id.rawValue), ("state", state.name)], Double(job.runsByState[state] ?? 0)) }
                   })
        out.family("steward_job_running", .gauge, help: "Runs of the job executing now.", per { Double($0.running) })
        out.family("steward_job_last_success_timestamp_seconds", .gauge, help: "When the job's latest successful run ended (Unix time).",
                   per { $0.lastSuccess?.timeIntervalSince1970 })
        out.histogram("steward_job_run_duration_seconds", help: "How long the job's runs took, from start to end.",
                      jobs.map { job in
                          PrometheusText.HistogramSeries(
                              labels: [("job", job.id.rawValue)],
                              buckets: zip(JobMetrics.durationBuckets, job.durationBucketCounts).map { ($0, $1) },
                              sum: job.durationSum, count: job.durationCount)
                      })
        out.family("steward_job_next_fire_timestamp_seconds", .gauge, help: "The job's next schedule fire (Unix time).",
                   per { $0.nextFire?.timeIntervalSince1970 })
    }
}
