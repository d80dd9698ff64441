#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StewardCore
import StewardProcesses

/// Turns one of a child's output pipes into run-log lines: the ``PipeReader`` hands it bytes, the
/// ``LineSplitter`` cuts them into lines (at `\n`; a line longer than ``maximumLineBytes`` in
/// pieces) and every read's complete lines go to the run's journal as one batch. An unterminated
/// last line is emitted at the end.
///
/// `@unchecked Sendable`: the mutable state is touched only by the pump's `consume` and `end`,
/// which never run concurrently (on the watcher thread, then on the caller of ``finish()`` once
/// the watcher is done with the pipe), and read by ``finish()`` after the pump has ended.
final class OutputLineReader: @unchecked Sendable {
    /// The longest line kept in one piece.
    static let maximumLineBytes = 64 * 1024

    private let source: RunLogSource
    private let journal: RunJournal
    private let clock: any JobClock
    private let tailLimit: Int
    private var splitter = LineSplitter(maximumLineBytes: OutputLineReader.maximumLineBytes)
    private var tailLines: [String] = []
    private var pump: PipeReader?
    private var outputText: String?
    private let progress: (@Sendable (_ message: String?, _ fraction: Double?) -> Void)?

    /// The prefix of a progress line a command writes to stdout:
    /// `STEWARD_PROGRESS 0.4 copying files` or `STEWARD_PROGRESS 40% copying files`.
    static let progressPrefix = "STEWARD_PROGRESS "

    /// The prefix of the line that carries a command's output, one line of JSON:
    /// `STEWARD_OUTPUT {"rows": 3}`. The last such line wins.
    static let outputPrefix = "STEWARD_OUTPUT "

    /// Starts reading `fd` (the read end of a pipe); the pump owns and closes it. With
    /// `progress`, ``progressPrefix`` lines report progress and ``outputPrefix`` lines are kept as
    /// the output instead of going to the log.
    init(fd: FileDescriptor, source: RunLogSource, journal: RunJournal, clock: any JobClock, keepTail: Int,
         progress: (@Sendable (_ message: String?, _ fraction: Double?) -> Void)? = nil) {
        self.progress = progress
        self.source = source
        self.journal = journal
        self.clock = clock
        self.tailLimit = keepTail
        pump = PipeReader(fd, handlers: PipeReader.Handlers(
            consume: { [self] bytes in consume(bytes) },
            end: { [self] in end() }))
    }

    /// Reads what is left in the pipe now (the child has exited, so what it wrote is there),
    /// emits a last unterminated line and closes the pipe; output a surviving grandchild writes
    /// later is not waited for. Returns the last lines kept for the tail.
    func finish() async -> [String] {
        pump?.finish()
        pump = nil
        return tailLines
    }

    /// The text after ``outputPrefix`` on the last output line (read after ``finish()``); `nil`
    /// when the command wrote none.
    var output: String? { outputText }

    private func consume(_ bytes: [UInt8]) {
        emit(splitter.append(bytes))
    }

    private func end() {
        if let rest = splitter.finish() { emit([rest]) }
    }

    private func emit(_ lines: [[UInt8]]) {
        guard !lines.isEmpty else { return }
        let now = clock.now
        var texts = lines.map { String(decoding: $0, as: UTF8.self) }
        if let progress {
            texts = texts.filter { text in
                if text.hasPrefix(Self.outputPrefix) {
                    outputText = String(text.dropFirst(Self.outputPrefix.count))
                    return false
                }
                guard let report = Self.progressReport(text) else { return true }
                progress(report.message, report.fraction)
                return false
            }
            guard !texts.isEmpty else { return }
        }
        journal.append(contentsOf: texts.map { RunLogEntry(time: now, level: .info, source: source, text: $0) })
        guard tailLimit > 0 else { return }
        tailLines.append(contentsOf: texts.suffix(tailLimit))
        if tailLines.count > tailLimit { tailLines.removeFirst(tailLines.count - tailLimit) }
    }

    /// The message and fraction of a progress line; `nil` for any other line. The fraction is a
    /// number from 0 to 1 or a percentage (`40%`); the job layer clamps it.
    static func progressReport(_ line: String) -> (message: String?, fraction: Double?)? {
        guard line.hasPrefix(progressPrefix) else { return nil }
        let rest = line.dropFirst(progressPrefix.count)
        let parts = rest.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let first = parts.first else { return nil }
        let message = parts.count > 1 ? String(parts[1]) : nil
        if first.hasSuffix("%"), let percent = Double(first.dropLast()) { return (message, percent / 100) }
        if let fraction = Double(first) { return (message, fraction) }
        return (String(rest), nil)
    }
}
