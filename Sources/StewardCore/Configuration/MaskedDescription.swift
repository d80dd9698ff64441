#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Renders a loaded configuration for logging at startup, one `VARIABLE=value` line per field in
/// decoding order, with the values of secret fields replaced by `"******"`.
///
/// Fields come from ``EnvironmentLoader/describe(_:)`` (so names and secrecy match what the loader
/// uses); values come from the stored properties of `value`, matched to fields by converting
/// property names to variable names (so `databaseURL` matches a coding key `database_url`).
/// Rendering: `Duration` as its compact description (`"1m30s"`), `URL` as its absolute string,
/// `RawRepresentable` as its raw value, lists comma-separated, `nil` as `(unset)`. Fields whose
/// property cannot be found are omitted.
///
/// ```text
/// APP_HTTP_PORT=8080
/// APP_PASSWORD=******
/// APP_TIMEOUT=30s
/// ```
///
/// Also available as ``EnvironmentLoader/maskedDescription(of:)``.
public func maskedDescription<T: EnvironmentConfig>(of value: T, prefix: String) -> String {
    let fields = EnvironmentFieldDiscovery.describe(T.self, prefix: prefix)
    var renderer = MaskedValueRenderer(prefix: prefix, variables: Set(fields.map(\.environmentVariable)))
    renderer.collect(value, components: [])
    return fields.compactMap { field in
        guard let rendered = renderer.values[field.environmentVariable] else { return nil }
        return "\(field.environmentVariable)=\(field.isSecret ? "******" : rendered)"
    }.joined(separator: "\n")
}

/// Walks a value's stored properties, rendering those that correspond to configuration fields.
private struct MaskedValueRenderer {
    let prefix: String
    let variables: Set<String>
    /// Rendered text by variable name.
    var values: [String: String] = [:]

    mutating func collect(_ value: Any, components: [String]) {
        for child in Mirror(reflecting: value).children {
            guard let label = child.label else { continue }
            let path = components + [label]
            let name = EnvironmentVariableNaming.variableName(prefix: prefix, components: path)
            if variables.contains(name) {
                values[name] = Self.render(child.value)
            } else if variables.contains(where: { $0.hasPrefix(name + "_") }) {
                if let nested = Self.unwrap(child.value) {
                    collect(nested, components: path)
                } else {
                    for variable in variables where variable.hasPrefix(name + "_") {
                        values[variable] = "(unset)"
                    }
                }
            }
        }
    }

    /// The wrapped value of an `Optional`, `nil` for `.none`, the value itself otherwise.
    private static func unwrap(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map { unwrap($0.value) } ?? nil
    }

    static func render(_ value: Any) -> String {
        guard let value = unwrap(value) else { return "(unset)" }
        switch value {
        case let duration as Duration: return duration.compactDescription
        case let url as URL: return url.absoluteString
        case let text as String: return text
        case let raw as any RawRepresentable: return String(describing: raw.rawValue)
        default: break
        }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .collection || mirror.displayStyle == .set {
            return mirror.children.map { render($0.value) }.joined(separator: ",")
        }
        return String(describing: value)
    }
}
