#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An ``EnvironmentConfig`` whose Swift default values are honoured: a field written
/// `var tickInterval: Duration = .seconds(1)` takes that value when its variable is absent, and
/// `--help` (``ConfigHelp``) shows it.
///
/// `Decodable`'s synthesized initializer never uses a property's default value: it requires every
/// non-optional key. So the loader needs an instance holding the defaults, which it gets from
/// `init()`. A struct whose every stored property has a default value gets that initializer from
/// Swift for free:
///
/// ```swift
/// struct AppConfig: DefaultedEnvironmentConfig {
///     var greeting = "hello"
///     var tickInterval: Duration = .seconds(1)
///     var database = Database()          // nested structs' defaults count too
///     struct Database: Decodable, Sendable { var poolSize = 4 }
/// }
/// ```
///
/// A field with no sensible default stays required by writing one that the loader does not take
/// for a default: an `Optional` that is `nil`. A default given in ``EnvironmentConfig/configFields``
/// wins over the Swift one. Defaults are found by property name, so they apply to fields whose
/// coding key is the property's name (the synthesized one).
///
/// A plain ``EnvironmentConfig`` has no instance to read defaults from; there, an absent variable
/// of a non-optional field is an error saying so, and how to give a default.
public protocol DefaultedEnvironmentConfig: EnvironmentConfig {
    /// An instance holding every field's default value.
    init()
}

/// The fields the loader uses for a type: its ``EnvironmentConfig/configFields``, plus the Swift
/// default values of a ``DefaultedEnvironmentConfig``, as environment text.
enum ConfigFieldDefaults {
    static func fields<T: EnvironmentConfig>(of type: T.Type) -> [ConfigField] {
        var fields = T.configFields
        guard let defaulted = T.self as? any DefaultedEnvironmentConfig.Type else { return fields }
        var found: [(path: String, text: String)] = []
        collect(Mirror(reflecting: defaulted.init()), path: [], into: &found)
        var index = Dictionary(fields.enumerated().map { ($0.element.path, $0.offset) }, uniquingKeysWith: { first, _ in first })
        for (path, text) in found {
            if let position = index[path] {
                if fields[position].defaultValue == nil { fields[position].defaultValue = text }
            } else {
                index[path] = fields.count
                fields.append(ConfigField(path, default: text))
            }
        }
        return fields
    }

    private static func collect(_ mirror: Mirror, path: [String], into found: inout [(path: String, text: String)]) {
        for child in mirror.children {
            guard let label = child.label else { continue }
            let name = label.hasPrefix("_") ? String(label.dropFirst()) : label  // a property wrapper's storage
            let childPath = path + [name]
            if let text = environmentText(child.value) {
                found.append((childPath.joined(separator: "."), text))
            } else {
                let nested = Mirror(reflecting: child.value)
                if nested.displayStyle == .struct { collect(nested, path: childPath, into: &found) }
            }
        }
    }

    /// The text a variable would hold for `value`, for the leaf types the loader reads; `nil` for
    /// `nil` optionals and anything else (nested structs are walked instead).
    static func environmentText(_ value: Any) -> String? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return environmentText(wrapped)
        }
        switch value {
        case let text as String: return text
        case let flag as Bool: return flag ? "true" : "false"
        case let duration as Duration: return duration.compactDescription
        case let url as URL: return url.absoluteString
        case let number as any BinaryInteger: return "\(number)"
        case let number as Double: return "\(number)"
        case let number as Float: return "\(number)"
        case let raw as any RawRepresentable: return environmentText(raw.rawValue)
        default: break
        }
        if mirror.displayStyle == .collection {
            var items: [String] = []
            for child in mirror.children {
                guard let text = environmentText(child.value), !text.contains(",") else { return nil }
                items.append(text)
            }
            return items.joined(separator: ",")
        }
        return nil
    }
}
