import StewardCore

/// `restart: { policy, backoff, maxBackoff, maxRestarts, window }`: when and how fast a process
/// is started again after it exits on its own.
///
/// - `policy`: `"never"`, `"on-failure"` (a non-zero exit or death by a signal) or `"always"`.
///   Default `on-failure`, `never` for oneshot processes; `always` is refused for oneshot.
/// - `backoff` (default 100 ms), doubling up to `maxBackoff` (default 30 s), with 20 % jitter; a
///   run that stayed up for `maxBackoff` resets the backoff.
/// - More than `maxRestarts` (default 5) restarts within `window` (default 60 s) = failed for good.
public struct RestartSettings: Sendable, Equatable {
    /// The policy, in the core library's terms.
    public var policy: RestartPolicy

    /// Wraps `policy`.
    public init(policy: RestartPolicy) {
        self.policy = policy
    }

    /// The default for long-running processes: `on-failure` with the default backoff and intensity.
    public static let processDefault = RestartSettings(policy: .onFailure)
    /// The default for oneshot processes: `never`.
    public static let oneshotDefault = RestartSettings(policy: .never)
}
