import StewardJobs
import StewardJournal

extension SupervisorConfig {
    /// The top-level keys.
    static let keys = ["shutdownTimeout", "http", "control", "zone", "processes", "jobs", "journal"]

    /// Reads the top-level object, reporting every problem in the file.
    static func decode(_ node: ConfigNode) -> SupervisorConfig {
        var config = SupervisorConfig()
        guard let object = node.object(keys: keys) else { return config }
        if let timeout = object["shutdownTimeout"]?.duration(positive: true) { config.shutdownTimeout = timeout }
        if let httpNode = object["http"] { config.http = decodeHTTP(httpNode) }
        if let controlNode = object["control"] { config.control = decodeControl(controlNode) }
        if let processesNode = object["processes"] {
            config.processes = (processesNode.members(expected: "an object of processes by name") ?? [])
                .compactMap { ProcessConfig.decode($0.node, name: $0.key) }
                .sorted { ($0.priority, $0.name) < ($1.priority, $1.name) }
        }
        if let journalNode = object["journal"] { config.journal = JournalConfig.decode(journalNode) }
        if let zoneNode = object["zone"], let zone = zoneNode.string() {
            do throws(ScheduleError) {
                _ = try ScheduleSpec.zone(named: zone)
                config.zone = zone
            } catch {
                zoneNode.report(error.message)
            }
        }
        if let jobsNode = object["jobs"] {
            let members = jobsNode.members(expected: "an object of jobs by name") ?? []
            config.jobs = members.compactMap { JobConfig.decode($0.node, name: $0.key, defaultZone: config.zone) }
                .sorted { $0.name < $1.name }
            if !config.jobs.isEmpty, let processes = object["processes"],
               let clash = processes.members()?.first(where: { $0.key == ConfiguredJobs.componentName }) {
                clash.node.report("the name \"\(ConfiguredJobs.componentName)\" is taken by the job scheduler when the config has jobs")
            }
            if let clash = members.first(where: { $0.key == JournalConfig.retentionJobName }) {
                clash.node.report("the name \"\(JournalConfig.retentionJobName)\" is taken by the journal's retention job")
            }
        }
        return config
    }

    /// Reads `http: { listen, token }`.
    private static func decodeHTTP(_ node: ConfigNode) -> HTTPEndpoint? {
        guard let object = node.object(keys: ["listen", "token"]) else { return nil }
        let address = object.required("listen")?.parsedString(expected: "a string such as \"127.0.0.1:9100\"") {
            text throws(ConfigValueProblem) in
            try HostPort.parse(text, defaultHost: HTTPEndpoint.defaultHost, allowsPortZero: true)
        }
        let token = object["token"]?.string()
        guard let address else { return nil }
        return HTTPEndpoint(host: address.host, port: address.port, token: token)
    }

    /// Reads `control: { socket }`, resolving a relative path against the config's directory.
    private static func decodeControl(_ node: ConfigNode) -> ControlEndpoint? {
        guard let object = node.object(keys: ["socket"]), let socketNode = object.required("socket"),
              let path = socketNode.string() else { return nil }
        let resolved = node.session.resolve(path)
        if resolved.utf8.count > ControlEndpoint.maximumSocketPathLength {
            socketNode.report("socket path is too long: \(resolved.utf8.count) bytes, at most \(ControlEndpoint.maximumSocketPathLength)")
            return nil
        }
        return ControlEndpoint(socketPath: resolved)
    }
}
