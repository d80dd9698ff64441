/// The exit codes of the `steward` program (documented in the README).
public enum ExitCodes {
    /// Clean: every process stopped cleanly.
    public static let success: Int32 = 0
    /// A failure without a more specific code.
    public static let failure: Int32 = 1
    /// Bad command-line usage (sysexits EX_USAGE).
    public static let usage: Int32 = 64
    /// A program could not be started (sysexits EX_UNAVAILABLE, as `env` uses 127 for "not found").
    public static let cannotStart: Int32 = 127
    /// Another steward already runs this config (its control socket or its journal is taken):
    /// sysexits EX_TEMPFAIL, try again once it has stopped.
    public static let alreadyRunning: Int32 = 75
    /// A shutdown forced by a second signal or the shutdown deadline.
    public static let forced: Int32 = 3
    /// Invalid configuration (sysexits EX_CONFIG).
    public static let config: Int32 = 78
}
