import StewardJobs
import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
#else
import Foundation
#endif

/// One row of a next-fire table: an expression in a zone, an instant, and the exact fires that
/// follow it (then `nil` when `ends`).
struct CronFireCase: CustomTestStringConvertible, Sendable {
    var expression: String
    var zone = "UTC"
    var after: String
    var expected: [String]
    /// Whether the expression has no fire after the last expected one.
    var ends = false
    var numbering: CronExpression.DayOfWeekNumbering = .posix

    init(_ expression: String, zone: String = "UTC", after: String, _ expected: [String], ends: Bool = false,
         numbering: CronExpression.DayOfWeekNumbering = .posix) {
        self.expression = expression
        self.zone = zone
        self.after = after
        self.expected = expected
        self.ends = ends
        self.numbering = numbering
    }

    var testDescription: String { "\(expression) in \(zone) after \(after)" }

    /// Checks every expected fire, by exact instant, and the end when there is one.
    func verify() throws {
        let zone = try TestTime.zone(zone)
        let cron = try CronExpression(expression, zone: zone, options: .init(dayOfWeekNumbering: numbering))
        var last = try TestTime.instant(after)
        for text in expected {
            let expected = try TestTime.instant(text)
            let actual = cron.nextFire(after: last)
            #expect(actual == expected, "\(expression) after \(TestTime.text(last, zone)): expected \(text), got \(TestTime.text(actual, zone))")
            guard let actual else { return }
            last = actual
        }
        if ends {
            let actual = cron.nextFire(after: last)
            #expect(actual == nil, "\(expression) after \(TestTime.text(last, zone)): expected no fire, got \(TestTime.text(actual, zone))")
        }
    }
}
