/// Cuts a stream of bytes into lines: at each `\n` (removed; everything else is kept, `\r`
/// included), and a line longer than ``maximumLineBytes`` into pieces of that size. The one line
/// splitter: a job's run log and a process's prefixed output cut lines the same way.
package struct LineSplitter: Sendable {
    /// The longest line kept in one piece.
    package let maximumLineBytes: Int
    private var pending: [UInt8] = []

    /// A splitter cutting lines longer than `maximumLineBytes` (at least 1).
    package init(maximumLineBytes: Int) {
        self.maximumLineBytes = max(1, maximumLineBytes)
    }

    /// Appends `bytes`; returns the lines they complete, in order.
    package mutating func append(_ bytes: some Collection<UInt8>) -> [[UInt8]] {
        pending.append(contentsOf: bytes)
        var lines: [[UInt8]] = []
        var start = 0
        while let newline = pending[start...].firstIndex(of: 0x0A) {
            appendCut(pending[start..<newline], to: &lines)
            start = newline + 1
        }
        while pending.count - start > maximumLineBytes {
            lines.append(Array(pending[start..<start + maximumLineBytes]))
            start += maximumLineBytes
        }
        pending.removeFirst(start)
        return lines
    }

    /// The unterminated rest, if any (at the end of the stream); the splitter is empty afterwards.
    package mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        return pending.isEmpty ? nil : pending
    }

    /// A complete line, in pieces of at most ``maximumLineBytes``.
    private func appendCut(_ line: ArraySlice<UInt8>, to lines: inout [[UInt8]]) {
        var start = line.startIndex
        while line.endIndex - start > maximumLineBytes {
            lines.append(Array(line[start..<start + maximumLineBytes]))
            start += maximumLineBytes
        }
        lines.append(Array(line[start...]))
    }
}
