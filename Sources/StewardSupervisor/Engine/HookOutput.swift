import StewardCore
import StewardJobs
import StewardProcesses
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a hook writes on stdout and stderr, kept for the run's log as `system` lines
/// `onFailure | text` (stderr at level warning). At most ``limit`` lines are kept, the last ones;
/// a note says how many earlier ones were dropped.
final class HookOutput: Sendable {
    /// The most lines kept per hook run.
    static let limit = 200

    private struct State {
        var lines: [RunLogEntry] = []
        var dropped = 0
        var splitters: [LineSplitter] = [LineSplitter(maximumLineBytes: 16 * 1024), LineSplitter(maximumLineBytes: 16 * 1024)]
    }

    private let hook: String
    private let state = Mutex(State())
    private let readers = Mutex<[PipeReader]>([])

    /// Starts reading `stdout` and `stderr` (the read ends; owned and closed by their readers).
    init(hook: String, stdout: FileDescriptor, stderr: FileDescriptor) {
        self.hook = hook
        let made = [(stdout, 0), (stderr, 1)].map { descriptor, index in
            PipeReader(descriptor, handlers: PipeReader.Handlers(
                consume: { [self] bytes in take(index) { $0.append(bytes) } },
                end: { [self] in take(index) { $0.finish().map { [$0] } ?? [] } }))
        }
        readers.withLock { $0 = made }
    }

    /// Reads what is left (the hook has exited) and returns the lines kept, in order.
    func finish() -> [RunLogEntry] {
        for reader in readers.withLock({ $0 }) { reader.finish() }
        readers.withLock { $0 = [] }
        return state.withLock { s in
            guard s.dropped > 0 else { return s.lines }
            let note = RunLogEntry(time: s.lines.first?.time ?? Date(), level: .warning, source: .system,
                                   text: "\(hook) | (\(s.dropped) earlier line(s) not kept)")
            return [note] + s.lines
        }
    }

    private func take(_ index: Int, _ split: (inout LineSplitter) -> [[UInt8]]) {
        let now = Date()
        state.withLock { s in
            let lines = split(&s.splitters[index])
            for line in lines {
                s.lines.append(RunLogEntry(time: now, level: index == 0 ? .info : .warning, source: .system,
                                           text: "\(hook) | " + String(decoding: line, as: UTF8.self)))
            }
            if s.lines.count > Self.limit {
                s.dropped += s.lines.count - Self.limit
                s.lines.removeFirst(s.lines.count - Self.limit)
            }
        }
    }
}
