import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `steward cron 'EXPR' [--zone Z] [--next N] [--after T] [--quartz]`: print the next fires of a
/// cron expression, one per line, in the zone's wall clock with its offset and weekday.
///
/// ```
/// 0 30 2 * * * (America/New_York): at 02:30, every day
/// 2026-03-08T03:00:00-04:00  Sun  (in 15h)
/// 2026-03-09T02:30:00-04:00  Mon  (in 1d 14h)
/// ```
/// An expression that never fires prints why and exits 1.
public enum CronCommand {
    /// Parsed arguments.
    public struct Options: Sendable, Equatable {
        /// The expression, parsed in its zone.
        public var expression: CronExpression
        /// How many fires to print (`--next`, default 5).
        public var count: Int
        /// List fires after this instant (`--after`); `nil` means now.
        public var after: Date?

        /// Creates options.
        public init(expression: CronExpression, count: Int = 5, after: Date? = nil) {
            self.expression = expression
            self.count = count
            self.after = after
        }
    }

    /// The largest `--next` accepted.
    public static let maximumCount = 10_000

    /// Parses `EXPR [--zone Z] [--next N] [--after T] [--quartz]`. The expression is one argument
    /// (quote it); several bare arguments are joined with spaces. `--zone` defaults to
    /// `defaultZone`; `--after` is ISO 8601 (`2026-03-07T12:00:00-05:00`, or a wall-clock time in
    /// the zone); `--quartz` reads day-of-week numbers as 1 = Sunday … 7 = Saturday.
    public static func parse(_ arguments: [String], defaultZone: Zone = .current) throws(CommandLineError) -> Options {
        var words: [String] = []
        var zoneName: String?
        var countText: String?
        var afterText: String?
        var quartz = false
        var index = 0
        var optionsEnded = false
        func value(_ name: String) throws(CommandLineError) -> String {
            guard index + 1 < arguments.count else { throw CommandLineError("cron: \(name) needs a value") }
            index += 1
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                words.append(argument)
            } else if argument == "--" {
                optionsEnded = true
            } else if argument == "--quartz" {
                quartz = true
            } else if let equals = argument.firstIndex(of: "="), ["--zone", "--next", "--after"].contains(String(argument[..<equals])) {
                let name = String(argument[..<equals]), text = String(argument[argument.index(after: equals)...])
                switch name {
                case "--zone": zoneName = text
                case "--next": countText = text
                default: afterText = text
                }
            } else if argument == "--zone" || argument == "-z" {
                zoneName = try value(argument)
            } else if argument == "--next" || argument == "-n" {
                countText = try value(argument)
            } else if argument == "--after" {
                afterText = try value(argument)
            } else {
                throw CommandLineError("cron: unknown option \(argument) (usage: steward cron 'EXPR' [--zone Z] [--next N] [--after T] [--quartz])")
            }
            index += 1
        }
        guard !words.isEmpty else {
            throw CommandLineError("cron: no expression given (usage: steward cron 'EXPR' [--zone Z] [--next N] [--after T] [--quartz])")
        }
        let text = words.joined(separator: " ")
        let zone: Zone
        do {
            zone = try zoneName.map { name throws(ScheduleError) in try ScheduleSpec.zone(named: name) } ?? defaultZone
        } catch {
            throw CommandLineError("cron: --zone: \(error)")
        }
        var count = 5
        if let countText {
            guard let parsed = Int(countText), (1...maximumCount).contains(parsed) else {
                throw CommandLineError("cron: --next must be a whole number from 1 to \(maximumCount), not \"\(countText)\"")
            }
            count = parsed
        }
        var after: Date?
        if let afterText {
            do {
                after = try InstantText.parse(afterText, zone: zone)
            } catch {
                throw CommandLineError("cron: --after: \(error)")
            }
        }
        do {
            let expression = try CronExpression(text, zone: zone, options: .init(dayOfWeekNumbering: quartz ? .quartz : .posix))
            return Options(expression: expression, count: count, after: after)
        } catch {
            throw CommandLineError("cron: invalid expression \"\(text)\": \(error)")
        }
    }

    /// What a run prints and returns.
    public struct Report: Sendable, Equatable {
        /// Lines for standard output.
        public var output: [String]
        /// Lines for standard error.
        public var errors: [String]
        /// The exit code.
        public var exitCode: Int32
    }

    /// Prints the next fires; returns 0, or 1 when the expression never fires.
    public static func run(_ options: Options, now: Date = Date()) -> Int32 {
        let report = report(options, now: now)
        for line in report.output { print(line) }
        for line in report.errors {
            let text = line + "\n"
            _ = text.withCString { write(2, $0, strlen($0)) }
        }
        return report.exitCode
    }

    /// The lines a run prints, with "in …" measured from `now`.
    public static func report(_ options: Options, now: Date) -> Report {
        let expression = options.expression
        let zone = expression.zone
        let header = "\(expression.text) (\(zone.identifier)): \(expression.summary)"
        guard expression.isSatisfiable else {
            return Report(output: [], errors: ["cron: \(expression.text) never fires: no date matches it (e.g. February 30th, or a 6th Monday)"],
                          exitCode: ExitCodes.failure)
        }
        let fires = expression.fires(after: options.after ?? now, limit: options.count)
        var output = [header]
        for fire in fires {
            output.append("\(InstantText.format(fire, zone: zone))  \(Weekday(of: fire, in: zone).abbreviation)  (\(relative(fire, to: now)))")
        }
        if fires.count < options.count {
            output.append(fires.isEmpty ? "no fires after \(InstantText.format(options.after ?? now, zone: zone)): the year field has ended"
                                        : "no further fires")
        }
        return Report(output: output, errors: [], exitCode: ExitCodes.success)
    }

    /// `in 3h 12m`, `2d 4h ago`, `now`: the two largest units of the distance, rounded down.
    static func relative(_ instant: Date, to now: Date) -> String {
        let seconds = Int(instant.timeIntervalSince(now).rounded(.towardZero))
        if seconds == 0 { return "now" }
        let magnitude = abs(seconds)
        let units = [(magnitude / 86_400, "d"), (magnitude % 86_400 / 3_600, "h"), (magnitude % 3_600 / 60, "m"), (magnitude % 60, "s")]
        let first = units.firstIndex { $0.0 > 0 } ?? 3
        let text = units[first...].prefix(2).filter { $0.0 > 0 }.map { "\($0.0)\($0.1)" }.joined(separator: " ")
        return seconds > 0 ? "in \(text)" : "\(text) ago"
    }
}
