/// Type-level knowledge the environment decoder needs: readable type names and markers that let
/// generic code recognise `Optional`, `Dictionary`, collections and `CaseIterable` types.
enum EnvironmentTypeNaming {
    /// A compact Swift-like name for `type`: `Int`, `Duration`, `[String]`, `String?`,
    /// `[String: Int]`.
    static func displayName(of type: Any.Type) -> String {
        prettify(String(describing: type))
    }

    /// Rewrites `Array<X>` as `[X]`, `Optional<X>` as `X?` and `Dictionary<K, V>` as `[K: V]`,
    /// recursively.
    static func prettify(_ rawName: String) -> String {
        var parser = NameParser(characters: Array(rawName))
        let result = parser.parseType()
        return parser.index == parser.characters.count ? result : rawName
    }

    private struct NameParser {
        let characters: [Character]
        var index = 0

        mutating func parseType() -> String {
            var name = ""
            while index < characters.count, !"<>,".contains(characters[index]) {
                name.append(characters[index])
                index += 1
            }
            name = String(name.trimmingWhitespace())
            guard index < characters.count, characters[index] == "<" else { return name }
            index += 1
            var arguments: [String] = []
            while index < characters.count {
                arguments.append(parseType())
                if index < characters.count, characters[index] == "," {
                    index += 1
                    continue
                }
                if index < characters.count, characters[index] == ">" { index += 1 }
                break
            }
            switch (name, arguments.count) {
            case ("Array", 1): return "[\(arguments[0])]"
            case ("Optional", 1): return "\(arguments[0])?"
            case ("Dictionary", 2): return "[\(arguments[0]): \(arguments[1])]"
            default: return "\(name)<\(arguments.joined(separator: ", "))>"
            }
        }
    }
}

/// Lists the cases of `CaseIterable` types and renders values the way they are written in the
/// environment (the raw value for `RawRepresentable` types).
enum EnvironmentCaseList {
    /// All cases of `type` if it is `CaseIterable`, otherwise `nil`.
    static func cases(of type: Any.Type) -> [Any]? {
        guard let caseIterable = type as? any CaseIterable.Type else { return nil }
        return allCases(caseIterable)
    }

    private static func allCases<C: CaseIterable>(_ type: C.Type) -> [Any] {
        type.allCases.map { $0 as Any }
    }

    /// The environment text of `value`: its raw value if `RawRepresentable`, else its description.
    static func environmentText(of value: Any) -> String {
        if let raw = value as? any RawRepresentable {
            return String(describing: raw.rawValue)
        }
        return String(describing: value)
    }
}

/// Dictionaries cannot be represented by one environment variable; the decoder reports them as
/// unsupported and continues with an empty dictionary.
protocol EnvironmentDictionaryMarker {}

extension Dictionary: EnvironmentDictionaryMarker {}

/// Types with an obvious "nothing" value the decoder can continue with after an error inside them.
protocol EnvironmentEmptyPlaceholder {
    static var environmentEmptyPlaceholder: Self { get }
}

extension Array: EnvironmentEmptyPlaceholder {
    static var environmentEmptyPlaceholder: Self { [] }
}

extension Set: EnvironmentEmptyPlaceholder {
    static var environmentEmptyPlaceholder: Self { [] }
}

extension Dictionary: EnvironmentEmptyPlaceholder {
    static var environmentEmptyPlaceholder: Self { [:] }
}

extension Optional: EnvironmentEmptyPlaceholder {
    static var environmentEmptyPlaceholder: Self { nil }
}

/// Lets the decoder treat `decode(Optional<X>.self, …)` exactly like `decodeIfPresent(X.self, …)`.
protocol EnvironmentOptionalMarker {
    static var wrappedType: Any.Type { get }
    static func decodeWrappedIfPresent(at decoder: EnvironmentValueDecoder) throws -> Self
}

extension Optional: EnvironmentOptionalMarker where Wrapped: Decodable {
    static var wrappedType: Any.Type { Wrapped.self }

    static func decodeWrappedIfPresent(at decoder: EnvironmentValueDecoder) throws -> Self {
        try decoder.decodeIfPresentValue(Wrapped.self)
    }
}
