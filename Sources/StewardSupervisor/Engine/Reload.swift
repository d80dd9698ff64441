import StewardCore
import StewardProcesses

/// A reload (SIGHUP or `steward reload`): re-read the config and apply the difference to the
/// running processes: start added ones, stop removed ones, restart changed ones, leave the rest
/// untouched. A config with errors changes nothing: its problems are reported and the running
/// processes go on.
public enum Reload {
    /// What a reload did.
    public struct Outcome: Sendable, Equatable, CustomStringConvertible {
        /// Processes started.
        public var added: [String] = []
        /// Processes stopped.
        public var removed: [String] = []
        /// Processes restarted with their new settings.
        public var restarted: [String] = []
        /// Problems: config errors (then nothing changed) or processes that failed to start.
        public var problems: [String] = []

        public var description: String {
            if added.isEmpty, removed.isEmpty, restarted.isEmpty, problems.isEmpty { return "reload: no change" }
            var parts: [String] = []
            if !added.isEmpty { parts.append("added \(added.joined(separator: ", "))") }
            if !removed.isEmpty { parts.append("removed \(removed.joined(separator: ", "))") }
            if !restarted.isEmpty { parts.append("restarted \(restarted.joined(separator: ", "))") }
            if !problems.isEmpty { parts.append("problems: \(problems.joined(separator: "; "))") }
            return "reload: " + parts.joined(separator: "; ")
        }
    }

    /// Which processes to remove, add and restart to go from `old` to `new`.
    public static func difference(from old: SupervisorConfig, to new: SupervisorConfig)
        -> (removed: [ProcessConfig], added: [ProcessConfig], changed: [ProcessConfig]) {
        let oldByName = Dictionary(uniqueKeysWithValues: old.processes.map { ($0.name, $0) })
        let newByName = Dictionary(uniqueKeysWithValues: new.processes.map { ($0.name, $0) })
        let removed = old.processes.filter { newByName[$0.name] == nil }
        let added = new.processes.filter { oldByName[$0.name] == nil }
        let changed = new.processes.filter { process in oldByName[process.name].map { $0 != process } ?? false }
        return (removed, added, changed)
    }

    /// Applies the difference between `old` and `new` to `lifecycle`. Removals go in descending
    /// priority, additions in ascending priority, as the unwind and startup would.
    /// `directory`, when given, is updated to match.
    public static func apply(from old: SupervisorConfig, to new: SupervisorConfig, lifecycle: Lifecycle,
                             environment: [String: String], directory: ProcessDirectory? = nil,
                             reaper: Reaper = .shared) async -> Outcome {
        await lifecycle.reconfigure {
            await applyDifference(from: old, to: new, lifecycle: lifecycle, environment: environment, directory: directory, reaper: reaper)
        }
    }

    private static func applyDifference(from old: SupervisorConfig, to new: SupervisorConfig, lifecycle: Lifecycle,
                                        environment: [String: String], directory: ProcessDirectory?, reaper: Reaper) async -> Outcome {
        let (removed, added, changed) = difference(from: old, to: new)
        var outcome = Outcome()
        for process in (removed + changed).sorted(by: { ($0.priority, $0.name) > ($1.priority, $1.name) }) {
            do {
                try await lifecycle.remove(process.name)
                directory?.remove(process.name)
            } catch {
                outcome.problems.append("\(process.name): \(error)")
            }
        }
        for process in (added + changed).sorted(by: { ($0.priority, $0.name) < ($1.priority, $1.name) }) {
            do {
                let entry = try SupervisorPlan.entry(for: process, environment: environment, reaper: reaper)
                directory?.set(ProcessDirectory.Entry(config: process, output: entry.output, supervised: entry.supervised))
                try await lifecycle.add(entry.component, name: process.name, options: entry.options)
            } catch {
                directory?.remove(process.name)
                outcome.problems.append("\(process.name): \(error)")
                continue
            }
            if changed.contains(where: { $0.name == process.name }) {
                outcome.restarted.append(process.name)
            } else {
                outcome.added.append(process.name)
            }
        }
        outcome.removed = removed.map(\.name).sorted()
        return outcome
    }
}
