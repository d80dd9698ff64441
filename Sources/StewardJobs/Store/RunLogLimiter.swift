/// The cap on one run's log, shared by the stores: the entry that would cross the byte or line
/// limit is replaced by one truncation marker (source `system`, level `warning`) and every later
/// entry is dropped and counted.
package struct RunLogLimiter: Sendable, Hashable {
    /// The largest total of text bytes (UTF-8) kept.
    package let maximumBytes: Int
    /// The most lines kept (the marker aside).
    package let maximumLines: Int
    /// Lines kept so far (the marker included): the offset of the next line.
    package private(set) var lineCount = 0
    /// Text bytes kept so far.
    package private(set) var byteCount = 0
    /// Whether the marker was written.
    package private(set) var isTruncated = false
    /// Entries dropped past the limit.
    package private(set) var droppedCount = 0

    /// A limiter for a log that already holds `lineCount` lines of `byteCount` bytes, truncated
    /// already (its marker written) when `isTruncated`.
    package init(maximumBytes: Int, maximumLines: Int, lineCount: Int = 0, byteCount: Int = 0, isTruncated: Bool = false) {
        self.maximumBytes = maximumBytes
        self.maximumLines = maximumLines
        self.lineCount = lineCount
        self.byteCount = byteCount
        self.isTruncated = isTruncated
    }

    /// The text of the truncation marker, up to its first varying part: how a store recognises a
    /// marker it wrote earlier.
    package static let markerPrefix = "[log truncated: the limit of "

    /// The lines to store for `entries` (offsets assigned from ``lineCount`` on): the entries
    /// within the limits, then at most one marker.
    package mutating func admit(_ entries: [RunLogEntry]) -> [RunLogLine] {
        var admitted: [RunLogLine] = []
        for entry in entries {
            if isTruncated {
                droppedCount += 1
                continue
            }
            let size = entry.text.utf8.count
            if byteCount + size > maximumBytes || lineCount + 1 > maximumLines {
                isTruncated = true
                droppedCount += 1
                let marker = RunLogEntry(
                    time: entry.time, level: .warning, source: .system,
                    text: Self.markerPrefix + "\(maximumBytes) bytes or \(maximumLines) lines was reached; later lines are dropped]")
                admitted.append(RunLogLine(offset: lineCount, entry: marker))
                lineCount += 1
                continue
            }
            byteCount += size
            admitted.append(RunLogLine(offset: lineCount, entry: entry))
            lineCount += 1
        }
        return admitted
    }

    /// Adds a line the limits do not apply to (a note from the store itself); returns it.
    package mutating func force(_ entry: RunLogEntry) -> RunLogLine {
        defer { lineCount += 1 }
        return RunLogLine(offset: lineCount, entry: entry)
    }
}
