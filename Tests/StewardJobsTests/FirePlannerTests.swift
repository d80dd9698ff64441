import Foundation
@testable import StewardJobs
import Testing

@Suite("Fire planning", .timeLimit(.minutes(1)))
struct FirePlannerTests {
    private let origin = Date(timeIntervalSince1970: 1_800_000_000)

    private func plan(_ policy: MisfirePolicy, now offset: TimeInterval, threshold: Duration = .seconds(60),
                      catchUp: Int = 10_000, records: Int = 100) -> FirePlan {
        FirePlanner.plan(EveryPeriodSchedule(origin: origin, period: 10), after: origin, now: origin.plus(offset), threshold: threshold,
                         policy: policy, catchUpLimit: catchUp, missedRecordLimit: records)
    }

    @Test("nothing due plans nothing; an exact fire is on time even with a zero threshold")
    func onTime() {
        #expect(plan(.skip, now: 5) == FirePlan())
        let exact = plan(.skip, now: 10, threshold: .zero)
        #expect(exact.runs == [origin.plus(10)])
        #expect(exact.missed.isEmpty)
        #expect(exact.lastFired == origin.plus(10))
    }

    @Test("fires within the threshold run; older ones follow the policy")
    func mixed() {
        // Fires at +10 … +100; now +105, threshold 30 s: +80, +90, +100 are on time.
        let skip = plan(.skip, now: 105, threshold: .seconds(30))
        #expect(skip.runs == [80, 90, 100].map { origin.plus($0) })
        #expect(skip.missed == (1...7).map { origin.plus(Double($0) * 10) })
        let once = plan(.fireOnceNow, now: 105, threshold: .seconds(30))
        #expect(once.runs == [80, 90, 100].map { origin.plus($0) })
        #expect(once.coalesced == 7)
        let all = plan(.runAll(cap: 2), now: 105, threshold: .seconds(30))
        #expect(all.runs == [60, 70, 80, 90, 100].map { origin.plus($0) })
        #expect(all.missed.count == 5)
    }

    @Test("a long downtime is bounded: the listing restarts near now and misses are a lower bound")
    func catchUpLimit() {
        let long = plan(.fireOnceNow, now: 1_000_005, threshold: .seconds(1), catchUp: 50)
        #expect(long.runs == [origin.plus(1_000_000)])
        #expect(long.lastFired == origin.plus(1_000_000))
        #expect(long.missesAreLowerBound)
        let skip = plan(.skip, now: 1_000_005, threshold: .seconds(1), catchUp: 50, records: 3)
        #expect(skip.runs.isEmpty)
        #expect(skip.missed == [999_980, 999_990, 1_000_000].map { origin.plus($0) })
        #expect(skip.unrecordedMisses > 50)
    }

    @Test("a schedule with no further fire plans nothing")
    func exhausted() {
        let none = FirePlanner.plan(InstantListSchedule([]), after: origin, now: origin.plus(1000), threshold: .seconds(60),
                                    policy: .skip, catchUpLimit: 10, missedRecordLimit: 10)
        #expect(none == FirePlan())
    }
}
