/// What the scheduler does with fires it missed: the process was down, busy, or the wall clock
/// jumped forward past them. A fire late by less than the definition's
/// ``JobDefinition/misfireThreshold`` is on time and is not a misfire.
///
/// A struct wrapping a private enum, so policies can be added without breaking client code.
public struct MisfirePolicy: Sendable, Hashable, CustomStringConvertible {
    enum Value: Hashable { case fireOnceNow, skip, runAll(cap: Int) }
    let value: Value

    /// Runs once now for all the missed fires together (the run's `scheduledFor` is the latest
    /// missed instant); the default. Nothing extra is run when an on-time fire is due anyway.
    public static let fireOnceNow = MisfirePolicy(value: .fireOnceNow)
    /// Runs nothing for missed fires and records each as a `missed` run (up to the scheduler's
    /// ``JobSchedulerOptions/missedRecordLimit``).
    public static let skip = MisfirePolicy(value: .skip)

    /// Runs the latest `cap` missed fires, oldest first, each as its own run with its own
    /// `scheduledFor`; older ones are recorded as `missed`. Every such run goes through the
    /// overlap policy, so combine it with ``OverlapPolicy/allow`` (or a worker limit) to run them
    /// all. `cap` must be at least 1.
    public static func runAll(cap: Int) -> MisfirePolicy { MisfirePolicy(value: .runAll(cap: cap)) }

    /// The cap of ``runAll(cap:)``, else `nil`.
    public var runAllCap: Int? {
        if case .runAll(let cap) = value { return cap }
        return nil
    }

    /// `fireOnceNow`, `skip` or `runAll(N)`.
    public var description: String {
        switch value {
        case .fireOnceNow: "fireOnceNow"
        case .skip: "skip"
        case .runAll(let cap): "runAll(\(cap))"
        }
    }

    private init(value: Value) { self.value = value }
}
