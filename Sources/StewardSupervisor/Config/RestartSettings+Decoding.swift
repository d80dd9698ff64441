import StewardCore

extension RestartSettings {
    /// The keys of a `restart` object.
    static let keys = ["policy", "backoff", "maxBackoff", "maxRestarts", "window"]

    /// The policy names, as written in the config.
    static let modes: [String: RestartPolicy.Mode] = ["never": .never, "on-failure": .onFailure, "always": .always]

    /// Reads a `restart` object (or, when `node` is `nil`, the default) for a process that is
    /// `oneshot` or not; reports every problem, including policy `always` for a oneshot process.
    static func decode(_ node: ConfigNode?, oneshot: Bool) -> RestartSettings {
        let fallback = oneshot ? RestartSettings.oneshotDefault : RestartSettings.processDefault
        guard let node, let object = node.object(keys: keys) else { return fallback }
        let defaults = RestartPolicy()

        var mode = fallback.policy.mode
        if let policyNode = object["policy"] {
            let expected = "one of \"never\", \"on-failure\", \"always\""
            if let name = policyNode.parsedString(expected: expected, { $0 }) {
                if let parsed = modes[name] {
                    mode = parsed
                    if oneshot, parsed == .always {
                        policyNode.report("a oneshot process cannot use policy \"always\" (it must exit for startup to go on)")
                    }
                } else {
                    policyNode.report("unknown policy \(JSONValue.quoted(name)) (expected \(expected))")
                }
            }
        }
        let backoff = object["backoff"]?.duration() ?? defaults.backoff
        var maxBackoff = object["maxBackoff"]?.duration(positive: true) ?? defaults.maxBackoff
        if maxBackoff < backoff, let maxBackoffNode = object["maxBackoff"] ?? object["backoff"] {
            maxBackoffNode.report("maxBackoff (\(maxBackoff.compactDescription)) must not be shorter than backoff (\(backoff.compactDescription))")
            maxBackoff = backoff
        }
        let maxRestarts = object["maxRestarts"]?.integer(atLeast: 0) ?? defaults.maxRestarts
        let window = object["window"]?.duration(positive: true) ?? defaults.window
        return RestartSettings(policy: RestartPolicy(
            mode: mode, backoff: backoff, maxBackoff: maxBackoff, maxRestarts: maxRestarts, window: window))
    }
}
