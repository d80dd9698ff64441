import StewardJobs
import StewardJournal
import StewardProcesses
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `steward run` needs from this machine before its processes and jobs can work, checked
/// without starting, creating or changing anything: the part of `steward check` beyond the file
/// itself. Each check asks the question the way `run` meets it, with the same code:
///
/// - each process's and job's program is found and executable: the lookup of its first start,
///   in the environment it will run with (steward's, then `envFile`, then `env`; see
///   ``SupervisorPlan/spec(for:environment:)`` and ``ConfiguredJobs/command(for:environment:)``);
/// - each `cwd` is a directory steward can enter (the spawn's `chdir`);
/// - each `log.file` can be opened for appending (as ``SupervisorPlan`` opens it);
/// - each cron `schedule` fires at least once more (a job whose schedule never fires is silently
///   idle under `run`);
/// - with jobs, the journal can be opened for writing (``SQLiteRunStore/checkWritable(path:)``).
///
/// A process's `user` and `group` are checked when the file is read, with the lookups its spawn
/// uses (``SystemAccounts``). Not checked: whether the HTTP address and control socket can be
/// bound, and whether another steward holds the journal; those depend on what else runs then.
enum SupervisorPreflight {
    /// Reports each problem of `config` at its key path into `session`.
    /// - Parameters:
    ///   - environment: steward's environment, which children inherit (their `PATH`) and which
    ///     may name the journal (`STEWARD_JOURNAL`).
    ///   - uid: steward's user id (the default journal's place depends on it).
    ///   - now: the instant a schedule must fire after.
    static func check(_ config: SupervisorConfig, environment: [String: String], uid: UInt32, now: Date,
                      session: ConfigDecodingSession) {
        let processes = ConfigPath.root.appending("processes")
        for process in config.processes where !process.command.isEmpty {
            let path = processes.appending(process.name)
            checkStart(cwd: process.workingDirectory, at: path, session: session) { () throws(SpawnError) in
                try SupervisorPlan.spec(for: process, environment: environment).resolveExecutable()
            }
            if let file = process.log.file, let problem = ConfigFiles.appendableFileProblem(file) {
                session.report("cannot open the log file \(JSONValue.quoted(file)): \(problem)", at: path.appending("log").appending("file"))
            }
        }
        let jobs = ConfigPath.root.appending("jobs")
        for job in config.jobs {
            let path = jobs.appending(job.name)
            if !job.command.isEmpty {
                checkStart(cwd: job.workingDirectory, at: path, session: session) { () throws(SpawnError) in
                    try ConfiguredJobs.command(for: job, environment: environment).resolveExecutable()
                }
            }
            for (index, step) in job.steps.enumerated() where !step.command.isEmpty {
                checkStart(cwd: step.workingDirectory, at: path.appending("steps").appending(index: index), session: session) {
                    () throws(SpawnError) in try ConfiguredJobs.stepCommand(step, of: job, environment: environment).resolveExecutable()
                }
            }
            for (key, hook) in [("onSuccess", job.onSuccess), ("onFailure", job.onFailure)] {
                guard let hook else { continue }
                var hookEnvironment = environment
                hookEnvironment.merge(job.environment) { _, own in own }
                do {
                    _ = try SpawnRequest(arguments: hook, environment: hookEnvironment, workingDirectory: job.workingDirectory).resolveExecutable()
                } catch {
                    session.report(error.description, at: path.appending(key).appending(index: 0))
                }
            }
            if let cron = job.cron, let schedule = try? job.schedule(defaultZone: .current, anchor: now),
               schedule.nextFire(after: now) == nil {
                session.report("the cron expression \(JSONValue.quoted(cron)) never fires: no date from now on matches it "
                               + "(e.g. February 30th, a 6th Monday, or only past years)", at: path.appending("schedule"))
            }
        }
        // A shared journal is reached at run time, in the background (it may not be up yet): only its file journal is checked here.
        if !config.jobs.isEmpty, config.journal?.shared == nil { checkJournal(config.journal, environment: environment, uid: uid, session: session) }
    }

    /// What a first start of the process or job at `path` needs: its `cwd` can be entered, and
    /// `resolve` finds its program as the spawn would.
    private static func checkStart(cwd: String?, at path: ConfigPath, session: ConfigDecodingSession,
                                   resolve: () throws(SpawnError) -> String) {
        if let cwd, let problem = ConfigFiles.enterableDirectoryProblem(cwd) { session.report(problem, at: path.appending("cwd")) }
        do {
            _ = try resolve()
        } catch {
            session.report(error.description, at: path.appending("command").appending(index: 0))
        }
    }

    /// The journal `run` opens for the jobs: the configured path or the default.
    private static func checkJournal(_ journal: JournalConfig?, environment: [String: String], uid: UInt32,
                                     session: ConfigDecodingSession) {
        let file = (journal ?? JournalConfig()).resolvedPath(environment: environment, uid: uid)
        do throws(SQLiteError) {
            try SQLiteRunStore.checkWritable(path: file)
        } catch {
            let which = journal?.path == nil ? "the default journal \(JSONValue.quoted(file)) (set journal.path for another)"
                                             : "the journal \(JSONValue.quoted(file))"
            session.report("cannot write \(which): \(error.operation): \(error.message)",
                           at: ConfigPath.root.appending("journal").appending("path"))
        }
    }
}
