/// Automatic retries of a failed run (states `failed`, `timedOut`, `crashed`): capped exponential
/// backoff with jitter. Stopped and killed runs are never retried.
///
/// The delay before attempt `n + 1` is `min(maximumBackoff, initialBackoff × multiplier^(n−1))`,
/// reduced by up to `jitter` of itself at random (`jitter` 0.2 → between 80 % and 100 %), so
/// retries of many jobs failing together spread out. A retry is a new run (trigger `retry`,
/// `attempt` + 1, `retryOf` the failed run) that keeps the job's overlap slot while it waits.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total, the first included: 1 means no retry.
    public var maximumAttempts: Int
    /// The delay before the second attempt.
    public var initialBackoff: Duration
    /// The longest delay between attempts.
    public var maximumBackoff: Duration
    /// The growth factor of the delay per attempt (≥ 1).
    public var multiplier: Double
    /// The largest fraction (0…1) by which a delay is shortened at random.
    public var jitter: Double

    /// No retries.
    public static let none = RetryPolicy(maximumAttempts: 1)

    /// Creates a policy. Defaults: 1 s initial backoff doubling up to 5 minutes, 20 % jitter.
    public init(maximumAttempts: Int, initialBackoff: Duration = .seconds(1), maximumBackoff: Duration = .seconds(300),
                multiplier: Double = 2, jitter: Double = 0.2) {
        self.maximumAttempts = maximumAttempts
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The delay after failed attempt `attempt` (1-based) with `random` in 0..<1 choosing the jitter.
    public func backoff(afterAttempt attempt: Int, random: Double) -> Duration {
        let cap = Self.seconds(maximumBackoff)
        var delay = Self.seconds(initialBackoff)
        var step = 1
        while step < attempt, delay < cap {
            delay *= max(multiplier, 1)
            step += 1
        }
        let jittered = min(delay, cap) * (1 - min(max(jitter, 0), 1) * min(max(random, 0), 1))
        return .nanoseconds(Int64((max(0, jittered) * 1e9).rounded()))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
