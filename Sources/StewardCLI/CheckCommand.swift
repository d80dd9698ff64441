import StewardCore
import StewardSupervisor
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `steward check CONFIG`: validate the file and what `run` needs from this machine (programs,
/// working directories, accounts, log files, cron schedules that fire, the journal), starting
/// and creating nothing; exit 0, or print every problem and exit 78.
public enum CheckCommand {
    /// Parses `CONFIG`: the config file's path.
    public static func parse(_ arguments: [String]) throws(CommandLineError) -> String {
        guard arguments.count == 1, let path = arguments.first, !path.hasPrefix("-") else {
            throw CommandLineError("check: expected exactly one config file (usage: steward check CONFIG)")
        }
        return path
    }

    /// Runs the check (``SupervisorConfigLoader/check(path:environment:)``); problems go to
    /// stderr, one per line. With jobs, it says where their runs will be kept. Warnings
    /// (``SupervisorConfig/warnings(now:)``, such as an `at` in the past) go to stderr too, and
    /// leave the exit code 0.
    /// - Parameter environment: the environment `run` would have (children inherit its `PATH`).
    public static func run(path: String, environment: [String: String] = [:]) -> Int32 {
        do {
            let config = try SupervisorConfigLoader.check(path: path, environment: environment)
            var summary = "\(config.processes.count) process(es)"
            if !config.jobs.isEmpty {
                let journal = config.journal?.shared.map { "\($0.location), node \($0.resolvedNode())" }
                    ?? (config.journal ?? JournalConfig()).resolvedPath(environment: environment, uid: getuid())
                summary += ", \(config.jobs.count) job(s), journal \(ControlCharacterEscaping.escaped(journal))"
            }
            for warning in config.warnings(now: Date()) { StewardMain.writeError("\(path): warning: \(warning)") }
            print("\(path): ok (\(summary))")
            return ExitCodes.success
        } catch {
            StewardMain.writeIssues(error, in: path)
            return ExitCodes.config
        }
    }
}
