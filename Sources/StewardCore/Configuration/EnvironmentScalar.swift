#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why a scalar's environment text was rejected. `detail` may quote fragments of the text, so it is
/// omitted for secret fields.
struct EnvironmentScalarParseFailure: Error {
    var detail: String?
}

/// A leaf type read from one environment variable's text.
///
/// The decoder never throws for scalars: a missing or malformed value is recorded as a
/// ``ConfigFieldError`` and ``environmentPlaceholder`` is returned so that decoding can continue and
/// every problem is reported in one pass.
protocol EnvironmentScalar {
    /// Parses environment text (non-`String` types ignore surrounding whitespace).
    static func parseEnvironmentText(_ text: String) -> Result<Self, EnvironmentScalarParseFailure>
    /// The value used to continue decoding after an error, and while recording field shapes.
    static var environmentPlaceholder: Self { get }
    /// What text is accepted, for error messages (e.g. `"Int"`, `"URL with a scheme"`).
    static var environmentExpectation: String { get }
}

extension String: EnvironmentScalar {
    static func parseEnvironmentText(_ text: String) -> Result<String, EnvironmentScalarParseFailure> {
        .success(text)
    }
    static var environmentPlaceholder: String { "" }
    static var environmentExpectation: String { "String" }
}

extension Bool: EnvironmentScalar {
    static func parseEnvironmentText(_ text: String) -> Result<Bool, EnvironmentScalarParseFailure> {
        switch text.trimmingWhitespace().lowercased() {
        case "true", "1", "yes", "on": .success(true)
        case "false", "0", "no", "off": .success(false)
        default: .failure(EnvironmentScalarParseFailure())
        }
    }
    static var environmentPlaceholder: Bool { false }
    static var environmentExpectation: String { "Bool (true/false, yes/no, on/off, 1/0)" }
}

/// Integers of every width share one implementation.
protocol EnvironmentInteger: EnvironmentScalar, FixedWidthInteger {}

extension EnvironmentInteger {
    static func parseEnvironmentText(_ text: String) -> Result<Self, EnvironmentScalarParseFailure> {
        let trimmed = String(text.trimmingWhitespace())
        if let value = Self(trimmed, radix: 10) { return .success(value) }
        var digits = Substring(trimmed)
        if digits.first == "-" || digits.first == "+" { digits.removeFirst() }
        let isWholeNumber = !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
        return .failure(EnvironmentScalarParseFailure(
            detail: isWholeNumber ? "out of range \(Self.min)...\(Self.max)" : nil))
    }
    static var environmentPlaceholder: Self { 0 }
    static var environmentExpectation: String { EnvironmentTypeNaming.displayName(of: Self.self) }
}

extension Int: EnvironmentInteger {}
extension Int8: EnvironmentInteger {}
extension Int16: EnvironmentInteger {}
extension Int32: EnvironmentInteger {}
extension Int64: EnvironmentInteger {}
extension UInt: EnvironmentInteger {}
extension UInt8: EnvironmentInteger {}
extension UInt16: EnvironmentInteger {}
extension UInt32: EnvironmentInteger {}
extension UInt64: EnvironmentInteger {}

/// Floating-point types accept what `init?(_: String)` accepts, but only finite results.
protocol EnvironmentFloatingPoint: EnvironmentScalar, BinaryFloatingPoint, LosslessStringConvertible {}

extension EnvironmentFloatingPoint {
    static func parseEnvironmentText(_ text: String) -> Result<Self, EnvironmentScalarParseFailure> {
        guard let value = Self(String(text.trimmingWhitespace())) else {
            return .failure(EnvironmentScalarParseFailure())
        }
        guard value.isFinite else {
            return .failure(EnvironmentScalarParseFailure(detail: "must be a finite number"))
        }
        return .success(value)
    }
    static var environmentPlaceholder: Self { 0 }
    static var environmentExpectation: String { EnvironmentTypeNaming.displayName(of: Self.self) }
}

extension Double: EnvironmentFloatingPoint {}
extension Float: EnvironmentFloatingPoint {}

extension Duration: EnvironmentScalar {
    static func parseEnvironmentText(_ text: String) -> Result<Duration, EnvironmentScalarParseFailure> {
        do throws(DurationSyntaxError) {
            return .success(try Duration(parsing: text))
        } catch {
            return .failure(EnvironmentScalarParseFailure(detail: error.reason))
        }
    }
    static var environmentPlaceholder: Duration { .zero }
    static var environmentExpectation: String { "Duration (e.g. 250ms, 10s, 1h30m)" }
}

extension URL: EnvironmentScalar {
    static func parseEnvironmentText(_ text: String) -> Result<URL, EnvironmentScalarParseFailure> {
        let trimmed = String(text.trimmingWhitespace())
        guard let url = URL(string: trimmed) else { return .failure(EnvironmentScalarParseFailure()) }
        guard let scheme = url.scheme, !scheme.isEmpty else {
            return .failure(EnvironmentScalarParseFailure(detail: "a scheme such as https:// is required"))
        }
        return .success(url)
    }
    static var environmentPlaceholder: URL { URL(string: "unset:")! }
    static var environmentExpectation: String { "URL with a scheme (e.g. https://example.com)" }
}
