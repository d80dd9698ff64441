/// Writes the Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE` once per
/// metric family, then its samples, label values escaped.
public struct PrometheusText: Sendable {
    /// The text so far.
    public private(set) var text = ""

    /// The content type of this format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A metric family's kind.
    public struct Kind: Sendable, Hashable {
        let name: String
        /// A value that goes up and down.
        public static let gauge = Kind(name: "gauge")
        /// A value that only goes up (reset when steward restarts).
        public static let counter = Kind(name: "counter")
    }

    /// Starts empty.
    public init() {}

    /// Adds one family: its help, its kind and its samples (labels, value).
    public mutating func family(_ name: String, _ kind: Kind, help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
        guard !samples.isEmpty else { return }
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.name)\n"
        for sample in samples {
            text += name
            if !sample.labels.isEmpty {
                text += "{" + sample.labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
            }
            text += " \(Self.format(sample.value))\n"
        }
    }

    /// Adds one family with a single unlabelled sample.
    public mutating func family(_ name: String, _ kind: Kind, help: String, value: Double) {
        family(name, kind, help: help, [([], value)])
    }

    /// A sample value: integers without a fraction, `NaN`/`+Inf`/`-Inf` spelled as Prometheus does.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func escapeLabel(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func escapeHelp(_ value: String) -> String {
        value.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }
}
