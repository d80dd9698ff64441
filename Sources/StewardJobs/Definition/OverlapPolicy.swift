/// What a trigger does while a run of the same job is still active (queued for a worker, running,
/// or waiting to retry).
///
/// The check is atomic: fifty simultaneous triggers of a `skip` job make exactly one run and
/// forty-nine `skipped` records. A struct wrapping a private enum, so policies can be added
/// without breaking `switch`es in client code.
public struct OverlapPolicy: Sendable, Hashable, CustomStringConvertible {
    enum Value: Hashable { case skip, queueOne, allow }
    let value: Value

    /// Records the trigger as a `skipped` run and starts nothing (the default).
    public static let skip = OverlapPolicy(value: .skip)
    /// Keeps at most one run waiting for the active one to finish; triggers beyond that one are
    /// `skipped`.
    public static let queueOne = OverlapPolicy(value: .queueOne)
    /// Starts every trigger (subject only to the scheduler's worker limit).
    public static let allow = OverlapPolicy(value: .allow)

    /// `skip`, `queueOne` or `allow`.
    public var description: String {
        switch value {
        case .skip: "skip"
        case .queueOne: "queueOne"
        case .allow: "allow"
        }
    }

    /// Parses ``description``'s names (case-insensitive; `queue-one` and `queue_one` accepted).
    public init?(name: String) {
        switch name.lowercased().filter({ $0 != "-" && $0 != "_" }) {
        case "skip": self = .skip
        case "queueone": self = .queueOne
        case "allow": self = .allow
        default: return nil
        }
    }

    private init(value: Value) { self.value = value }
}
