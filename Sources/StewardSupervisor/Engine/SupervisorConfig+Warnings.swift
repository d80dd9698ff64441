import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SupervisorConfig {
    /// What `steward check` points out without failing: settings that are valid but probably not
    /// meant — a one-time `at` already in the past (at start it follows the job's `misfire`).
    /// - Parameter now: the instant to compare with.
    public func warnings(now: Date) -> [ConfigIssue] {
        var warnings: [ConfigIssue] = []
        for job in jobs where job.at != nil && job.every == nil && job.cron == nil {
            guard let once = try? job.schedule(defaultZone: .current, anchor: now) as? OneTimeSchedule, once.instant <= now else { continue }
            // The scheduler's rule: a fire late by less than misfireThreshold is on time.
            let onTime = now.timeIntervalSince(once.instant) < Double(job.misfireThreshold.components.seconds)
                + Double(job.misfireThreshold.components.attoseconds) / 1e18
            let outcome = onTime ? "it runs at once (it is late by less than misfireThreshold \(job.misfireThreshold.compactDescription))"
                : job.misfire == .skip ? "it is recorded as a missed run (misfire: \"skip\")"
                : "it runs once now (misfire: \"\(job.misfire.runAllCap == nil ? "\(job.misfire)" : "runAll")\")"
            warnings.append(ConfigIssue(path: "jobs.\(job.name).at",
                                        message: "\(InstantText.format(once.instant)) is in the past: when steward starts, \(outcome), "
                                            + "unless a steward already handled it"))
        }
        return warnings
    }
}
