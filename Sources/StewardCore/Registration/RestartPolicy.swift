/// When and how fast a runnable's `run` is started again after it ends on its own.
///
/// Backoff before restart n (1-based, counting consecutive restarts) is
/// `min(maxBackoff, backoff × 2^(n-1))`, reduced by up to `jitter` × itself at random (so it never
/// exceeds `maxBackoff`). A run that stayed up for at least `resetAfter` resets the count.
/// More than `maxRestarts` restarts within `window` means the runnable has failed for good: if it
/// is critical the application shuts down.
public struct RestartPolicy: Sendable, Hashable {
    /// Which endings trigger a restart. A struct wrapping a private enum.
    public struct Mode: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Hashable { case never, onFailure, always }
        private let value: Value
        /// Never restart (the default for in-process runnables).
        public static let never = Mode(value: .never)
        /// Restart after `run` throws or returns unexpectedly.
        public static let onFailure = Mode(value: .onFailure)
        /// Restart whenever `run` ends before shutdown, even after an allowed early exit.
        public static let always = Mode(value: .always)

        public var description: String {
            switch value {
            case .never: "never"
            case .onFailure: "on-failure"
            case .always: "always"
            }
        }
    }

    /// Which endings trigger a restart. Default `.never`.
    public var mode: Mode
    /// First backoff. Default 100 ms.
    public var backoff: Duration
    /// Backoff cap. Default 30 s.
    public var maxBackoff: Duration
    /// Fraction (0…1) of each backoff removed at random. Default 0.2.
    public var jitter: Double
    /// A run lasting at least this long resets the backoff. Default: `maxBackoff`.
    public var resetAfter: Duration
    /// Restarts allowed within `window` before failing for good. Default 5.
    public var maxRestarts: Int
    /// The intensity window. Default 60 s.
    public var window: Duration

    /// Creates a policy; every parameter has the default documented on its property.
    public init(mode: Mode = .never, backoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(30),
                jitter: Double = 0.2, resetAfter: Duration? = nil, maxRestarts: Int = 5, window: Duration = .seconds(60)) {
        self.mode = mode
        self.backoff = backoff
        self.maxBackoff = maxBackoff
        self.jitter = min(max(jitter, 0), 1)
        self.resetAfter = resetAfter ?? maxBackoff
        self.maxRestarts = maxRestarts
        self.window = window
    }

    /// Never restart.
    public static let never = RestartPolicy()
    /// Restart on failure with the default backoff and intensity.
    public static let onFailure = RestartPolicy(mode: .onFailure)
    /// Always restart with the default backoff and intensity.
    public static let always = RestartPolicy(mode: .always)

    /// The backoff before consecutive restart number `restart` (1-based), given a random number
    /// in 0..<1 for the jitter.
    public func delay(forRestart restart: Int, random: Double) -> Duration {
        var delay = backoff
        var step = 1
        while step < restart, delay < maxBackoff {
            delay *= 2
            step += 1
        }
        delay = min(delay, maxBackoff)
        return delay - delay * (jitter * min(max(random, 0), 1))
    }
}
