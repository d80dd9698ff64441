#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore

/// Turns one of a child's output pipes into run-log lines: the ``OutputPump`` hands it bytes,
/// which are split at `\n` (removed; everything else is kept, `\r` included) and every read's
/// complete lines go to the run's journal as one batch. A line longer than ``maximumLineBytes``
/// is cut into pieces; an unterminated last line is emitted at the end.
///
/// `@unchecked Sendable`: the mutable state is touched only on the pump's thread (by `consume`
/// and `end`), and read by ``finish()`` after the pump has finished with it.
final class OutputLineReader: @unchecked Sendable {
    /// The longest line kept in one piece.
    static let maximumLineBytes = 64 * 1024

    private let source: RunLogSource
    private let journal: RunJournal
    private let clock: any JobClock
    private let tailLimit: Int
    private var pending: [UInt8] = []
    private var tailLines: [String] = []
    private var token: UInt64 = 0

    /// Starts reading `fd` (the read end of a pipe); the pump owns and closes it.
    init(fd: Int32, source: RunLogSource, journal: RunJournal, clock: any JobClock, keepTail: Int) {
        self.source = source
        self.journal = journal
        self.clock = clock
        self.tailLimit = keepTail
        token = OutputPump.shared.add(fd, handlers: OutputPump.Handlers(
            consume: { [self] bytes in consume(bytes) },
            end: { [self] in end() }))
    }

    /// Reads what is left in the pipe now (the child has exited, so what it wrote is there),
    /// emits a last unterminated line and closes the pipe; output a surviving grandchild writes
    /// later is not waited for. Returns the last lines kept for the tail.
    func finish() async -> [String] {
        await OutputPump.shared.finish(token)
        return tailLines
    }

    private func consume(_ bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
        var lines: [[UInt8]] = []
        var start = 0
        while let newline = pending[start...].firstIndex(of: 0x0A) {
            lines.append(Array(pending[start..<newline]))
            start = newline + 1
        }
        while pending.count - start > Self.maximumLineBytes {
            lines.append(Array(pending[start..<start + Self.maximumLineBytes]))
            start += Self.maximumLineBytes
        }
        pending.removeFirst(start)
        emit(lines)
    }

    private func end() {
        if !pending.isEmpty { emit([pending]) }
        pending = []
    }

    private func emit(_ lines: [[UInt8]]) {
        guard !lines.isEmpty else { return }
        let now = clock.now
        let texts = lines.map { String(decoding: $0, as: UTF8.self) }
        journal.append(contentsOf: texts.map { RunLogEntry(time: now, level: .info, source: source, text: $0) })
        guard tailLimit > 0 else { return }
        tailLines.append(contentsOf: texts.suffix(tailLimit))
        if tailLines.count > tailLimit { tailLines.removeFirst(tailLines.count - tailLimit) }
    }
}
