/// How far a run got, as its job reported it.
public struct RunProgress: Sendable, Hashable {
    /// What the job is doing (`"copying 3/10"`); `nil` when not reported.
    public var message: String?
    /// The fraction done, always within 0…1; `nil` when not reported.
    public var fraction: Double?

    /// Creates a progress value; `fraction` is clamped to 0…1 and a NaN becomes `nil`.
    public init(message: String? = nil, fraction: Double? = nil) {
        self.message = message
        self.fraction = fraction.flatMap { $0.isNaN ? nil : min(max($0, 0), 1) }
    }
}
