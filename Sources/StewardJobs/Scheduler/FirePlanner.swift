#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What to do with the fires of one schedule that are due at a wake-up.
struct FirePlan: Equatable {
    /// The `scheduledFor` of each run to start, oldest first.
    var runs: [Date] = []
    /// Fires to record as `missed`, oldest first (at most the record limit, the newest kept).
    var missed: [Date] = []
    /// Missed fires not recorded (beyond the record limit, or never listed after a long downtime).
    var unrecordedMisses = 0
    /// Whether ``unrecordedMisses`` is only a lower bound (the catch-up limit was reached).
    var missesAreLowerBound = false
    /// Late fires folded into a single `fireOnceNow` run.
    var coalesced = 0
    /// The latest fire handled: the new persisted last-fired instant; `nil` when nothing was due.
    var lastFired: Date?
}

/// Decides what happens to due fires: on-time ones run, late ones (by the threshold or more)
/// follow the misfire policy. A pure function of the schedule and the instants, so clock jumps,
/// downtime and restarts all go through the same arithmetic.
enum FirePlanner {
    /// Plans the fires of `schedule` in `(anchor, now]`.
    ///
    /// - Parameters:
    ///   - anchor: the last fire handled (persisted), or when the schedule started counting.
    ///   - threshold: a fire late by less than this is on time.
    ///   - catchUpLimit: the most fires listed; past it the listing restarts near `now`, and the
    ///     fires in between count as misses without being listed.
    ///   - missedRecordLimit: the most `missed` fires returned for recording.
    static func plan(_ schedule: any Schedule, after anchor: Date, now: Date, threshold: Duration,
                     policy: MisfirePolicy, catchUpLimit: Int, missedRecordLimit: Int) -> FirePlan {
        var fires = schedule.fires(after: anchor, through: now, limit: catchUpLimit + 1)
        let overflowed = fires.count > catchUpLimit
        if overflowed { fires.removeLast() }
        guard let lastListed = fires.last else { return FirePlan() }
        var plan = FirePlan()
        if overflowed {
            let tail = latestFires(schedule, after: lastListed, upTo: now, limit: catchUpLimit)
            fires += tail
            plan.missesAreLowerBound = true
        }
        plan.lastFired = fires.last

        let limitSeconds = JobScheduler.seconds(threshold)
        let isOnTime = { (fire: Date) -> Bool in
            let lateness = now.timeIntervalSince(fire)
            return lateness <= 0 || lateness < limitSeconds
        }
        let onTime = fires.filter(isOnTime)
        let late = fires.filter { !isOnTime($0) }
        var missed: [Date] = []
        switch policy.value {
        case .fireOnceNow:
            if onTime.isEmpty, let latest = late.last {
                plan.runs = [latest]
                plan.coalesced = late.count - 1
            } else {
                plan.runs = onTime
                plan.coalesced = late.count
            }
        case .skip:
            missed = late
            plan.runs = onTime
        case .runAll(let cap):
            let runLate = Array(late.suffix(max(1, cap)))
            missed = Array(late.dropLast(runLate.count))
            plan.runs = runLate + onTime
        }
        let recorded = missed.suffix(missedRecordLimit)
        plan.missed = Array(recorded)
        plan.unrecordedMisses = missed.count - recorded.count
        if overflowed, policy.value == .fireOnceNow { plan.unrecordedMisses = 0 }
        return plan
    }

    /// The fires in `(floor, now]` closest to `now` (at most `limit`), found by widening a window
    /// back from `now` until it holds a fire, so a long downtime costs a bounded search.
    static func latestFires(_ schedule: any Schedule, after floor: Date, upTo now: Date, limit: Int) -> [Date] {
        var window: TimeInterval = 60
        while true {
            let start = max(floor, now.addingTimeInterval(-window))
            var fires: [Date] = []
            var next = schedule.nextFire(after: start)
            while let fire = next, fire <= now {
                fires.append(fire)
                if fires.count > limit { fires.removeFirst() }
                next = schedule.nextFire(after: fire)
            }
            if !fires.isEmpty || start <= floor { return fires }
            window *= 4
        }
    }
}
