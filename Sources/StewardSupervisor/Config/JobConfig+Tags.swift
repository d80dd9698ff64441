extension JobConfig {
    /// Reads `tags`: an array of distinct tags, each a name as a job's is (letters, digits, `_`,
    /// `.` and `-`), so it reads the same in a URL query and on a command line.
    static func decodeTags(_ node: ConfigNode) -> [String] {
        guard case .array(let elements) = node.value else {
            node.reportWrongType(expected: "an array of strings (tags such as [\"billing\", \"nightly\"])")
            return []
        }
        var tags: [String] = []
        for (offset, element) in elements.enumerated() {
            let child = ConfigNode(value: element, path: node.path.appending(index: offset), session: node.session)
            guard let tag = child.string() else { continue }
            if !ProcessConfig.isValidName(tag) {
                child.report("invalid tag \(JSONValue.quoted(tag)) (use letters, digits, \"_\", \".\" and \"-\")")
            } else if tags.contains(tag) {
                child.report("duplicate tag \(JSONValue.quoted(tag))")
            } else {
                tags.append(tag)
            }
        }
        return tags
    }
}
