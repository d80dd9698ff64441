import CStewardSystem
import StewardCore
import StewardProcesses
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One child's output: a pipe kept open across restarts (the child gets its write end as stdout
/// and stderr), read through a `PipeReader` and cut by a `LineSplitter`. Each line goes
/// to steward's stdout, prefixed `name | ` (foreman/Compose style) unless prefixing is off,
/// optionally to a file with size rotation, and into an in-memory ring buffer for `steward logs`.
public final class OutputPump: Sendable {
    /// The descriptor to give the child as stdout and stderr.
    public var childDescriptor: Int32 { childEnd.rawValue }
    /// The pipe's write end, kept open across restarts (so the pipe never ends while the pump lives).
    private let childEnd: FileDescriptor
    private let name: String
    private let prefix: Bool
    /// Steward's output (shared with its own log lines), or `nil` for nowhere.
    private let destination: OutputQueue?
    /// The log file's queue: a slow disk never stalls the watcher thread either.
    private let fileQueue: OutputQueue?
    /// The longest line kept in one piece.
    static let maximumLineBytes = 16 * 1024
    private let state: Mutex<State>
    private let reader = Mutex<PipeReader?>(nil)
    private let capacity: Int

    /// Creates the pipe and starts reading.
    /// - Parameters:
    ///   - name: the process name used as prefix.
    ///   - prefix: whether lines are prefixed `name | ` on steward's output.
    ///   - destination: where lines go (steward's stdout by default; -1 for nowhere).
    ///   - file: optional per-process log file with size rotation.
    ///   - ringCapacity: how many recent lines are kept in memory.
    /// - Throws: ``ProbeSetupError`` if the pipe cannot be created or watched.
    public init(name: String, prefix: Bool = true, destination: Int32 = 1, file: RotatingFile? = nil,
                ringCapacity: Int = 1000) throws(ProbeSetupError) {
        let pipe: (read: FileDescriptor, write: FileDescriptor)
        switch FileDescriptor.pipe() {
        case .success(let created): pipe = created
        case .failure(let error): throw ProbeSetupError("pipe: \(error)")
        }
        childEnd = pipe.write
        self.name = name
        self.prefix = prefix
        self.destination = destination < 0 ? nil : (OutputQueue.standard(destination) ?? OutputQueue(descriptor: destination))
        self.fileQueue = file.map { file in
            OutputQueue(name: "steward-log", deliver: { lines in
                for line in lines { file.append(line) }
                return true
            }, note: { count in Array("steward: \(count) line(s) dropped: the log file was not written fast enough\n".utf8) })
        }
        capacity = max(1, ringCapacity)
        state = Mutex(State())
        // Weak: the watcher must not keep the pump alive (deinit finishes the reader). The pipe
        // never ends while the pump holds its write end.
        let reader = PipeReader(pipe.read, handlers: PipeReader.Handlers(
            consume: { [weak self] bytes in self?.consume(bytes) },
            end: {}))
        guard reader.isWatched else {
            // Unread, the child would block on a full pipe: refuse now instead.
            reader.finish()
            throw ProbeSetupError("watching the output pipe of \(name): no room in the descriptor watcher")
        }
        self.reader.withLock { $0 = reader }
    }

    deinit {
        // Synchronous: no callback runs after this, and the reader closes the read end.
        reader.withLock { $0 }?.finish()
    }

    private struct State {
        var splitter = LineSplitter(maximumLineBytes: OutputPump.maximumLineBytes)
        var ring: [String] = []
        var ringStart = 0
        var followers: [UInt64: @Sendable (String) -> Void] = [:]
        var endings: [UInt64: @Sendable () -> Void] = [:]
        var nextFollower: UInt64 = 0
        var retired = false

        func recent(_ count: Int) -> [String] {
            Array((Array(ring[ringStart...]) + Array(ring[..<ringStart])).suffix(count))
        }
    }

    /// The most recent lines, oldest first (at most `count`).
    public func recentLines(_ count: Int = .max) -> [String] {
        state.withLock { $0.recent(count) }
    }

    /// The most recent lines (at most `count`), and from then on every new line to `handler`,
    /// with none lost or repeated in between (`steward logs -f`). `handler` runs on the watcher's
    /// thread and must not block. `onEnd` runs once if the pump is ``retire()``d (its process was
    /// removed or replaced by a reload) — at once if it already was. Stop with ``unfollow(_:)``.
    public func follow(recent count: Int, _ handler: @escaping @Sendable (String) -> Void,
                       onEnd: @escaping @Sendable () -> Void = {}) -> (recent: [String], token: UInt64) {
        let (result, ended) = state.withLock { s -> ((recent: [String], token: UInt64), Bool) in
            s.nextFollower += 1
            if !s.retired {
                s.followers[s.nextFollower] = handler
                s.endings[s.nextFollower] = onEnd
            }
            return ((s.recent(count), s.nextFollower), s.retired)
        }
        if ended { onEnd() }
        return result
    }

    /// Stops calling a ``follow(recent:_:onEnd:)`` handler.
    public func unfollow(_ token: UInt64) {
        state.withLock { s in
            s.followers.removeValue(forKey: token)
            s.endings.removeValue(forKey: token)
        }
    }

    /// Ends every follower (their `onEnd` runs): the process this pump served is gone or
    /// replaced, and no more lines will come here.
    public func retire() {
        let endings = state.withLock { s -> [@Sendable () -> Void] in
            s.retired = true
            defer { s.followers = [:]; s.endings = [:] }
            return Array(s.endings.values)
        }
        for end in endings { end() }
    }

    /// Bytes read from the pipe (on the watcher thread, one call at a time): complete lines go out.
    private func consume(_ bytes: [UInt8]) {
        let lines = state.withLock { $0.splitter.append(bytes) }
        for line in lines { emit(line) }
    }

    private func emit(_ line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        let followers = state.withLock { s in
            if s.ring.count < capacity {
                s.ring.append(text)
            } else {
                s.ring[s.ringStart] = text
                s.ringStart = (s.ringStart + 1) % capacity
            }
            return s.followers.values
        }
        for follower in followers { follower(text) }
        fileQueue?.enqueue(line)
        guard let destination else { return }
        var output: [UInt8] = prefix ? Array("\(name) | ".utf8) : []
        output += line
        output.append(10)
        destination.enqueue(output)
    }

    /// Reads what the child wrote and the watcher thread has not read yet: called once the child
    /// exited, so that its last lines are out before its exit is acted on (a failed oneshot's
    /// last words before steward exits with its code).
    public func catchUp() {
        reader.withLock { $0 }?.readAvailable()
    }

    /// Waits until the lines read so far reached steward's output and the log file (at most
    /// `timeout` for each). For tests and the end of a process.
    public func flush(timeout: Duration = .seconds(5)) {
        destination?.flush(timeout: timeout)
        fileQueue?.flush(timeout: timeout)
    }
}

/// A log file rotated by size: `file`, `file.1` … `file.<keep>`.
public final class RotatingFile: Sendable {
    private let path: String
    private let maxSize: Int
    private let keep: Int
    private let state: Mutex<(file: FileDescriptor?, size: Int)>

    /// Opens (appending to) `path`.
    /// - Throws: ``ProbeSetupError`` if the file cannot be opened.
    public init(path: String, maxSize: Int, keep: Int) throws(ProbeSetupError) {
        let file: FileDescriptor
        switch FileDescriptor.open(path, O_WRONLY | O_CREAT | O_APPEND) {
        case .success(let opened): file = opened
        case .failure(let error): throw ProbeSetupError("cannot open log file \(path): \(error)")
        }
        let size = (try? file.status().get()).map { Int($0.st_size) } ?? 0
        self.path = path
        self.maxSize = max(1, maxSize)
        self.keep = max(0, keep)
        state = Mutex((file, size))
    }

    /// Appends one line (a newline is added); rotates first if it would pass the size limit.
    /// Blocks on the disk: the output pump calls it from its file queue's thread.
    func append(_ line: [UInt8]) {
        state.withLock { s in
            if s.size + line.count + 1 > maxSize, s.size > 0 { rotate(&s) }
            guard let file = s.file else { return }  // reopening after a rotation failed: dropped
            _ = DescriptorWriting.writeAll(line + [10], to: file.rawValue)
            s.size += line.count + 1
        }
    }

    private func rotate(_ s: inout (file: FileDescriptor?, size: Int)) {
        s.file?.close()
        if keep > 0 {
            for index in stride(from: keep - 1, through: 1, by: -1) { rename("\(path).\(index)", "\(path).\(index + 1)") }
            rename(path, "\(path).1")
        } else {
            unlink(path)
        }
        s.file = try? FileDescriptor.open(path, O_WRONLY | O_CREAT | O_APPEND).get()
        s.size = 0
    }
}
