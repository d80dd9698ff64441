extension LogSettings {
    /// The keys of a `log` object.
    static let keys = ["prefix", "file", "maxSize", "keep"]

    /// Reads a `log` object (or the defaults when `node` is `nil`), resolving `file` against the
    /// config file's directory.
    static func decode(_ node: ConfigNode?) -> LogSettings {
        var settings = LogSettings()
        guard let node, let object = node.object(keys: keys) else { return settings }
        if let prefix = object["prefix"]?.bool() { settings.prefix = prefix }
        if let file = object["file"]?.string() { settings.file = node.session.resolve(file) }
        if let sizeNode = object["maxSize"] {
            switch sizeNode.value {
            case .integer(let bytes) where bytes > 0:
                settings.maxSize = bytes
            case .integer:
                sizeNode.report("must be larger than 0 bytes")
            default:
                if let size = sizeNode.parsedString(expected: "a size such as \"10MB\"", { text throws(ConfigValueProblem) in
                    try ByteSize.parse(text)
                }) {
                    settings.maxSize = size
                }
            }
        }
        if let keep = object["keep"]?.integer(atLeast: 0) { settings.keep = keep }
        return settings
    }
}
