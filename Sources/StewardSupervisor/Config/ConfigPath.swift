/// One step of a ``ConfigPath``: an object key or an array index.
enum ConfigPathComponent: Hashable, Sendable {
    case key(String)
    case index(Int)
}

/// Where a value sits in the config file: `processes.web.command[1]`.
///
/// Kept as components (not text) so that keys containing dots, such as a process named `api.v2`,
/// still find their place in the source.
struct ConfigPath: Hashable, Sendable, CustomStringConvertible {
    /// The steps from the top-level object.
    var components: [ConfigPathComponent]

    /// The whole file.
    static let root = ConfigPath(components: [])

    /// This path followed by an object key.
    func appending(_ key: String) -> ConfigPath {
        ConfigPath(components: components + [.key(key)])
    }

    /// This path followed by an array index.
    func appending(index: Int) -> ConfigPath {
        ConfigPath(components: components + [.index(index)])
    }

    /// The path without its last step (the root stays the root).
    var parent: ConfigPath {
        ConfigPath(components: Array(components.dropLast()))
    }

    /// Keys joined by `.`, indexes as `[n]`; `""` for the root.
    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
