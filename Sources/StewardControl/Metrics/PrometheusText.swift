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
        /// Observations counted in buckets (written with ``PrometheusText/histogram(_:help:_:)``).
        public static let histogram = Kind(name: "histogram")
    }

    /// One labelled series of a histogram: cumulative counts per upper bound (the `+Inf` bucket
    /// is added from `count`), the sum and the count of the observations.
    public struct HistogramSeries: Sendable {
        /// The series' labels (without `le`).
        public var labels: [(String, String)]
        /// Each bucket's upper bound and the observations at most that large.
        public var buckets: [(bound: Double, count: Int)]
        /// The sum of the observations.
        public var sum: Double
        /// How many observations there were.
        public var count: Int

        /// Creates a series.
        public init(labels: [(String, String)], buckets: [(bound: Double, count: Int)], sum: Double, count: Int) {
            self.labels = labels
            self.buckets = buckets
            self.sum = sum
            self.count = count
        }
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

    /// Adds one histogram family: per series `NAME_bucket{…,le="B"}` for each bound and
    /// `le="+Inf"`, then `NAME_sum` and `NAME_count`.
    public mutating func histogram(_ name: String, help: String, _ series: [HistogramSeries]) {
        guard !series.isEmpty else { return }
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(Kind.histogram.name)\n"
        func line(_ sampleName: String, _ labels: [(String, String)], _ value: Double) {
            text += sampleName
            if !labels.isEmpty {
                text += "{" + labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
            }
            text += " \(Self.format(value))\n"
        }
        for one in series {
            for bucket in one.buckets { line(name + "_bucket", one.labels + [("le", Self.format(bucket.bound))], Double(bucket.count)) }
            line(name + "_bucket", one.labels + [("le", "+Inf")], Double(one.count))
            line(name + "_sum", one.labels, one.sum)
            line(name + "_count", one.labels, Double(one.count))
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
