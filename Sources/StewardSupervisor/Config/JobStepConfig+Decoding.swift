extension JobStepConfig {
    /// The keys of a step object.
    static let keys = ["name", "command", "cwd", "env", "timeout"]

    /// Reads a job's `steps`: a non-empty array of step objects with unique names, reporting every
    /// problem at its path.
    static func decodeSteps(_ node: ConfigNode) -> [JobStepConfig] {
        guard case .array(let elements) = node.value else {
            node.reportWrongType(expected: "an array of steps ({ command: [...] } objects)")
            return []
        }
        if elements.isEmpty { node.report("must not be empty (expected at least one step)") }
        var steps: [JobStepConfig] = []
        var seen: Set<String> = []
        for (offset, element) in elements.enumerated() {
            let stepNode = ConfigNode(value: element, path: node.path.appending(index: offset), session: node.session)
            guard let object = stepNode.object(keys: keys) else { continue }
            var step = JobStepConfig(name: "step\(offset + 1)", command: object.required("command")?.argv() ?? [])
            if let nameNode = object["name"], let name = nameNode.string() {
                step.name = name
                if !seen.insert(name).inserted { nameNode.report("step name \(JSONValue.quoted(name)) is repeated") }
            } else if !seen.insert(step.name).inserted {
                stepNode.report("the default name \(JSONValue.quoted(step.name)) is taken by another step; give this step a \"name\"")
            }
            if let cwd = object["cwd"]?.string() { step.workingDirectory = node.session.resolve(cwd) }
            if let environmentNode = object["env"] { step.environment = ProcessConfig.decodeEnvironment(environmentNode) }
            if let timeout = object["timeout"]?.duration(positive: true) { step.timeout = timeout }
            steps.append(step)
        }
        return steps
    }
}
