// Runs one measurement in a fresh child process (posix_spawn of this same executable with
// `--single N`), so each child's VmHWM is the peak RSS of that one measurement alone.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum ChildError: Error, CustomStringConvertible {
    case system(String, Int32)
    case timedOut(Int)
    case failed(status: Int32, output: String)

    var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .timedOut(let seconds): "child did not finish within \(seconds) s (killed)"
        case .failed(let status, let output): "child failed (wait status \(status)); its stdout: \(output)"
        }
    }
}

/// The path of the running executable (Linux: /proc/self/exe; elsewhere argv[0]).
func currentExecutablePath() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if count > 0 {
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    return CommandLine.arguments[0]
}

/// Spawns `executable arguments…` with its stdout on a pipe, reads that pipe to EOF (killing the
/// child after `timeoutSeconds`), reaps it and returns its stdout. stderr is inherited.
func runChild(executable: String, arguments: [String], timeoutSeconds: Int) throws(ChildError) -> String {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { throw .system("pipe", errno) }
    let (readEnd, writeEnd) = (fds[0], fds[1])
    // The parent's read end must not leak into the child.
    _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, writeEnd, STDOUT_FILENO)
    posix_spawn_file_actions_addclose(&actions, writeEnd)

    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }

    var pid: pid_t = 0
    let spawned = argv.withUnsafeBufferPointer { argvBuffer in
        posix_spawn(&pid, executable, &actions, nil, argvBuffer.baseAddress!, environ)
    }
    close(writeEnd)
    guard spawned == 0 else {
        close(readEnd)
        throw .system("posix_spawn", spawned)
    }

    // Read to EOF, with a deadline so a pathological size cannot hang the whole benchmark.
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    let clock = ContinuousClock()
    let deadline = clock.now + .seconds(timeoutSeconds)
    var timedOut = false
    while true {
        let remaining = clock.now.duration(to: deadline)
        if remaining <= .zero { timedOut = true; break }
        var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        let waitMs = Int32(min(remaining.milliseconds.rounded(.up), 1_000))
        let ready = poll(&poller, 1, max(waitMs, 1))
        if ready < 0 {
            if errno == EINTR { continue }
            let code = errno
            close(readEnd)
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            throw .system("poll", code)
        }
        if ready == 0 { continue }
        let count = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        output.append(contentsOf: chunk[0..<count])
    }
    close(readEnd)
    if timedOut { kill(pid, SIGKILL) }

    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw .system("waitpid", errno) }
    }
    if timedOut { throw .timedOut(timeoutSeconds) }
    let text = String(decoding: output, as: UTF8.self)
    // Exited normally with code 0: WIFEXITED && WEXITSTATUS == 0, i.e. the whole status is 0.
    guard status == 0 else { throw .failed(status: status, output: text) }
    return text
}
