import StewardJobs

extension JobDefinition {
    /// The journal's retention as a job of its own: on `schedule` it removes what `policy` no
    /// longer keeps, in bounded batches, logging what it removed; then the audit entries older
    /// than ``RetentionPolicy/auditAge`` or beyond the newest 100,000. Its runs are journaled like any
    /// other (and aged out by the same policy).
    /// - Parameters:
    ///   - id: the job's id; default `journal-retention`.
    ///   - schedule: when it runs; default every hour.
    public static func journalRetention(_ store: any JournalBackend, policy: RetentionPolicy = RetentionPolicy(),
                                        id: JobID = "journal-retention", schedule: (any Schedule)?) -> JobDefinition {
        JobDefinition(id: id, description: "removes ended runs the journal's retention policy no longer keeps",
                      schedule: schedule, overlap: .skip, misfire: .fireOnceNow) { context in
            let report = try await store.prune(policy, now: context.now) { report in
                context.reportProgress("removed \(report.runs) runs so far", fraction: nil)
            }
            context.log("removed \(report.runs) runs and \(report.logLines) log lines in \(report.batches) batches")
            let cutoff = policy.auditAge.map { context.now.addingTimeInterval(-Double($0.components.seconds)) }
            let audit = try await store.pruneAudit(before: cutoff)
            if audit > 0 { context.log("removed \(audit) audit entries") }
            return ["runs": .int(report.runs), "logLines": .int(report.logLines), "auditEntries": .int(audit)]
        }
    }
}
