@testable import StewardControl
import Testing

/// A minimal reader of the text exposition format, to read our output back.
struct ParsedMetrics {
    var types: [String: String] = [:]
    var samples: [(name: String, labels: [String: String], value: Double)] = []

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                try #require(parts.count == 4, "bad TYPE line: \(line)")
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            var name = "", labels: [String: String] = [:]
            var rest = Substring(line)
            if let brace = rest.firstIndex(of: "{") {
                name = String(rest[..<brace])
                rest = rest[rest.index(after: brace)...]
                while rest.first != "}" {
                    let equals = try #require(rest.firstIndex(of: "="))
                    let key = String(rest[..<equals])
                    rest = rest[rest.index(equals, offsetBy: 2)...]  // past `="`
                    var value = ""
                    while let character = rest.first, character != "\"" {
                        rest = rest.dropFirst()
                        if character == "\\" {
                            let escaped = try #require(rest.first)
                            rest = rest.dropFirst()
                            value.append(escaped == "n" ? "\n" : escaped)
                        } else {
                            value.append(character)
                        }
                    }
                    rest = rest.dropFirst()  // closing quote
                    if rest.first == "," { rest = rest.dropFirst() }
                    labels[key] = value
                }
                rest = rest.dropFirst(2)  // `} `
            } else {
                let space = try #require(rest.firstIndex(of: " "))
                name = String(rest[..<space])
                rest = rest[rest.index(after: space)...]
            }
            let value = try #require(rest == "+Inf" ? Double.infinity : Double(rest), "bad value in \(line)")
            samples.append((name, labels, value))
        }
    }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }
}

@Suite("Prometheus text format")
struct PrometheusTextTests {
    @Test("families, labels with escapes and special values read back as written")
    func roundTrip() throws {
        var text = PrometheusText()
        text.family("a_total", .counter, help: "A\ncounter.", [([("process", #"we"b\n"#)], 3), ([("process", "x")], 2.5)])
        text.family("b", .gauge, help: "B.", value: .infinity)
        text.family("empty", .gauge, help: "No samples: no family.", [])
        let parsed = try ParsedMetrics(text.text)
        #expect(parsed.types == ["a_total": "counter", "b": "gauge"])
        #expect(parsed.value("a_total", ["process": #"we"b\n"#]) == 3)
        #expect(parsed.value("a_total", ["process": "x"]) == 2.5)
        #expect(parsed.value("b") == .infinity)
        #expect(text.text.contains("# HELP a_total A\\ncounter.\n"))
    }

    @Test("resource usage reads steward's own memory and descriptors")
    func usage() {
        let usage = ResourceUsage.current()
        #expect(usage.residentBytes > 1_000_000)
        #expect(usage.openDescriptors >= 3)
    }
}
