import StewardCore

extension ProcessConfig {
    /// The keys of a process object.
    static let keys = [
        "priority", "command", "oneshot", "env", "envFile", "cwd", "user", "group", "ready", "health",
        "restart", "stopSignal", "stopTimeout", "startupTimeout", "critical", "log",
    ]

    /// Reads the process `name` from its object, reporting every problem (including those that
    /// need the system: the env file must exist and parse, the user and group must exist).
    /// - Returns: `nil` when the value is not an object at all.
    static func decode(_ node: ConfigNode, name: String) -> ProcessConfig? {
        if !isValidName(name) {
            node.report("invalid process name (use letters, digits, \"_\", \".\" and \"-\")")
        }
        guard let object = node.object(keys: keys) else { return nil }
        let session = node.session

        let oneshot = object["oneshot"]?.bool() ?? false
        var process = ProcessConfig(name: name, command: object.required("command")?.argv() ?? [], oneshot: oneshot)
        // Bounded (to Int32) because steward computes with priorities: the jobs' group is one
        // past the highest.
        if let priority = object["priority"]?.integer(atLeast: Int(Int32.min), atMost: Int(Int32.max)) { process.priority = priority }
        if let environmentNode = object["env"] { process.environment = decodeEnvironment(environmentNode) }
        if let envFileNode = object["envFile"], let path = envFileNode.string() {
            let resolved = session.resolve(path)
            checkEnvFile(resolved, at: envFileNode)
            process.envFile = resolved
        }
        if let cwd = object["cwd"]?.string() { process.workingDirectory = session.resolve(cwd) }
        process.user = decodeAccount(object["user"], in: .users)
        process.group = decodeAccount(object["group"], in: .groups)
        if let readyNode = object["ready"] { process.ready = Probe.decode(readyNode, role: .readiness) }
        if let healthNode = object["health"] {
            if oneshot {
                healthNode.report("a oneshot process cannot have a liveness probe (it is expected to exit)")
            }
            process.health = Probe.decode(healthNode, role: .liveness)
        }
        process.restart = RestartSettings.decode(object["restart"], oneshot: oneshot)
        if let signalNode = object["stopSignal"], let signal = decodeSignal(signalNode) { process.stopSignal = signal }
        if let stopTimeout = object["stopTimeout"]?.duration() { process.stopTimeout = stopTimeout }
        if let startupTimeout = object["startupTimeout"]?.duration() { process.startupTimeout = startupTimeout }
        if let critical = object["critical"]?.bool() { process.critical = critical }
        process.log = LogSettings.decode(object["log"])
        return process
    }

    /// Reads `env`: an object of string values whose keys are usable variable names.
    static func decodeEnvironment(_ node: ConfigNode) -> [String: String] {
        var environment: [String: String] = [:]
        for (key, valueNode) in node.members() ?? [] {
            if key.isEmpty || key.contains("=") || key.unicodeScalars.contains("\0") {
                valueNode.report("invalid variable name (it must be non-empty and contain no \"=\" and no NUL character)")
                continue
            }
            if let value = valueNode.string(nonEmpty: false) { environment[key] = value }
        }
        return environment
    }

    /// Checks that the env file at `path` exists and parses; its own errors are shown as
    /// `file:line:column: reason`.
    private static func checkEnvFile(_ path: String, at node: ConfigNode) {
        switch ConfigFiles.kind(of: path) {
        case .missing:
            node.report("file not found (\(JSONValue.quoted(path)))")
        case .directory:
            node.report("is a directory, not a file (\(JSONValue.quoted(path)))")
        case .other:
            do {
                _ = try DotEnvFile.load(path: path)
            } catch where error.line == 0 {
                node.report("cannot read \(JSONValue.quoted(path)): \(error.reason)")
            } catch {
                node.report(error.description)
            }
        }
    }

    /// Reads `user` or `group`: a name that must exist, or a numeric id (string or number).
    private static func decodeAccount(_ node: ConfigNode?, in database: SystemAccounts.Database) -> String? {
        guard let node else { return nil }
        let text: String
        switch node.value {
        case .integer(let id) where id >= 0 && UInt32(exactly: id) != nil:
            text = String(id)
        case .string:
            guard let name = node.string() else { return nil }
            text = name
        default:
            node.reportWrongType(expected: "a \(database.noun) name or a numeric id")
            return nil
        }
        do {
            try SystemAccounts.validate(text, in: database)
        } catch {
            node.report(error.message)
        }
        return text
    }

    /// Reads `stopSignal`: `"SIGINT"`, `"INT"`, `"2"` or `2`.
    static func decodeSignal(_ node: ConfigNode) -> Int32? {
        switch node.value {
        case .string(let name):
            guard let number = SignalName.number(of: name) else {
                node.report("unknown signal \(JSONValue.quoted(name)) (expected a name such as \"SIGTERM\" or \"INT\")")
                return nil
            }
            return number
        case .integer(let number):
            guard let signal = Int32(exactly: number), SignalName.number(of: String(signal)) != nil else {
                node.report("unknown signal \(number) (expected 1-64)")
                return nil
            }
            return signal
        default:
            node.reportWrongType(expected: "a signal name such as \"SIGTERM\"")
            return nil
        }
    }
}
