#if canImport(Glibc)
import Glibc
#endif

/// Finds the file `execve` should run, the way a shell would, before any child exists: so that a
/// typo in a config is an error at check time, not a restart loop.
public enum ExecutableLookup {
    /// `program` itself when it contains `/` (relative to `workingDirectory` if relative), else the
    /// first executable regular file named `program` in the `PATH` of `environment` (or
    /// `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` when unset).
    /// - Throws: ``SpawnError`` with step ``SpawnError/Step/lookup``.
    public static func resolve(_ program: String, environment: [String: String], workingDirectory: String? = nil) throws(SpawnError) -> String {
        guard !program.isEmpty else {
            throw SpawnError(step: .arguments, code: EINVAL, program: program, detail: "empty program name")
        }
        if program.contains("/") {
            let path = program.hasPrefix("/") || workingDirectory == nil ? program : workingDirectory! + "/" + program
            guard isExecutableFile(path) else {
                throw SpawnError(step: .lookup, code: errno, program: program, detail: "\(path) is not an executable file")
            }
            return path
        }
        let searchPath = environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let base = directory.isEmpty ? "." : String(directory)
            let candidate = base + "/" + program
            if isExecutableFile(candidate) { return candidate }
        }
        throw SpawnError(step: .lookup, code: ENOENT, program: program, detail: "not found in PATH (\(searchPath))")
    }

    /// Whether `path` is a regular file this process may execute.
    public static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}
