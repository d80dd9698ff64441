extension Probe {
    /// Which probe a `ready` or `health` object describes.
    enum Role {
        case readiness
        case liveness
    }

    /// The check keys, exactly one of which a probe object holds.
    static let checkKeys = ["tcp", "http", "exec", "notify", "delay"]
    /// The timing keys of a probe object.
    static let settingKeys = ["interval", "timeout", "startPeriod", "retries", "failureThreshold"]
    /// Keys a liveness probe refuses, with the reason.
    static let readinessOnlyKeys: [String: String] = [
        "notify": "notify is a readiness check; it cannot be used in health",
        "delay": "delay is a readiness check; it cannot be used in health",
        "retries": "retries applies to readiness probes; use failureThreshold in health",
    ]

    /// Reads a `ready` or `health` object, reporting every problem; `nil` when it is unusable.
    static func decode(_ node: ConfigNode, role: Role) -> Probe? {
        let misplaced = role == .liveness ? readinessOnlyKeys : [:]
        let allowed = (checkKeys + settingKeys).filter { misplaced[$0] == nil }
        guard let object = node.object(keys: allowed, misplaced: misplaced) else { return nil }

        let present = checkKeys.compactMap { key in object[key].map { (key: key, node: $0) } }
        let usable = checkKeys.filter { misplaced[$0] == nil }
        var check: Check?
        switch present.count {
        case 0:
            node.report("expected exactly one check (one of: \(usable.joined(separator: ", "))), found none")
        case 1:
            check = decodeCheck(present[0].key, present[0].node)
        default:
            let names = present.map(\.key).joined(separator: ", ")
            node.report("expected exactly one check, found \(present.count): \(names)")
            // Each value is still checked, so its own mistakes show up in the same run.
            for (key, checkNode) in present { _ = decodeCheck(key, checkNode) }
        }

        var probe = role == .readiness ? Probe.readiness(.delay(.zero)) : Probe.liveness(.delay(.zero))
        if let interval = object["interval"]?.duration(positive: true) { probe.interval = interval }
        if let timeout = object["timeout"]?.duration(positive: true) { probe.timeout = timeout }
        if let startPeriod = object["startPeriod"]?.duration() { probe.startPeriod = startPeriod }
        if let retries = object["retries"]?.integer(atLeast: 1) { probe.retries = retries }
        if let threshold = object["failureThreshold"]?.integer(atLeast: 1) { probe.failureThreshold = threshold }
        guard let check else { return nil }
        probe.check = check
        return probe
    }

    /// Reads the value of check key `key`.
    private static func decodeCheck(_ key: String, _ node: ConfigNode) -> Check? {
        switch key {
        case "tcp":
            return node.parsedString(expected: "a string such as \"127.0.0.1:6380\"") { text throws(ConfigValueProblem) in
                let address = try HostPort.parse(text, defaultHost: HTTPEndpoint.defaultHost)
                return Check.tcp(host: address.host, port: address.port)
            }
        case "http":
            return node.parsedString(expected: "a string such as \"http://127.0.0.1:8080/health\"") { text throws(ConfigValueProblem) in
                Check.http(url: try HTTPProbeURL.parse(text).text)
            }
        case "exec":
            return node.argv().map(Check.exec)
        case "notify":
            return decodeNotify(node)
        case "delay":
            return node.duration().map(Check.delay)
        default:
            return nil
        }
    }

    /// Reads `notify: "systemd"` or `notify: { fd: N }`.
    private static func decodeNotify(_ node: ConfigNode) -> Check? {
        let expected = "\"systemd\" or { fd: N }"
        switch node.value {
        case .string("systemd"):
            return .notifySystemd
        case .object:
            guard let object = node.object(keys: ["fd"]), let fdNode = object.required("fd") else { return nil }
            guard let fd = fdNode.integer(atLeast: 3, reason: "0, 1 and 2 are stdin, stdout and stderr") else { return nil }
            guard let descriptor = Int32(exactly: fd) else {
                fdNode.report("file descriptor \(fd) is too large")
                return nil
            }
            return .notifyFD(descriptor)
        default:
            node.reportWrongType(expected: expected)
            return nil
        }
    }
}
