import StewardJobs

/// The exit codes of `steward run wait` and `steward run logs -f`: the run's final state, so a
/// script can tell what happened (documented in the usage text and docs/operations.md).
public enum RunOutcome {
    /// The wait's `--timeout` passed before the run ended (as `timeout(1)` answers).
    public static let waitTimedOut: Int32 = 124
    /// No such run, an ambiguous prefix, or a journal that cannot be read (sysexits EX_NOINPUT).
    public static let noRun: Int32 = 66

    /// 0 succeeded; 1 failed; 2 timedOut; 3 stopped or killed; 4 crashed (also a run left active
    /// by a steward that stopped); 5 interrupted; 6 skipped or missed.
    public static func exitCode(_ state: RunState) -> Int32 {
        switch state {
        case .succeeded: 0
        case .failed: 1
        case .timedOut: 2
        case .stopped, .killed: 3
        case .crashed: 4
        case .interrupted: 5
        case .skipped, .missed: 6
        default: 4
        }
    }

    /// The code of a run the journal still shows active though no steward writes it.
    public static let abandoned: Int32 = 4
}
