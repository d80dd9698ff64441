#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A cron expression in an explicit time zone.
///
/// ## Syntax
/// - **5 fields** `minute hour day-of-month month day-of-week` (the second is 0);
///   **6 fields** `second minute hour day-of-month month day-of-week`;
///   **7 fields** (Quartz) `second minute hour day-of-month month day-of-week year`.
///   Six fields always mean "seconds first", never "five fields plus a year".
/// - Each field is a comma-separated list of `*`, `?` (the same as `*`), `n`, `a-b`, and any of
///   those with a step: `*/15`, `10-40/5`, `5/10` (from 5 to the end of the field, every 10).
///   Ranges ascend; list both halves to wrap (`22-23,0-2`).
/// - Months `1`–`12` or `JAN`–`DEC`; weekdays `SUN`–`SAT`; names are case-insensitive.
///   Day-of-week numbers: 0 and 7 are Sunday (``DayOfWeekNumbering/posix``, the default) or
///   1 = Sunday … 7 = Saturday (``DayOfWeekNumbering/quartz``).
/// - Day of month: `L` (last day), `L-n` (n days before it), `nW` (the Monday–Friday day nearest
///   day n, never leaving the month: a Saturday 1st moves to Monday the 3rd, a Sunday last day to
///   Friday; months without a day n are skipped), `LW` (the last Monday–Friday day).
/// - Day of week: `wL` (the last weekday w of the month: `5L`, `FRIL`), `w#k` (the k-th weekday w:
///   `MON#2`; months without a k-th are skipped, so `#6` and above never match), and `L` alone,
///   which is Saturday as in Quartz.
/// - Year: 1970–2399.
/// - Macros: `@yearly`/`@annually` (`0 0 0 1 1 *`), `@monthly` (`0 0 0 1 * *`), `@weekly`
///   (`0 0 0 * * SUN`), `@daily`/`@midnight` (`0 0 0 * * *`), `@hourly` (`0 0 * * * *`).
///
/// **Day of month and day of week combine with OR** (POSIX cron): when both fields are
/// restricted — anything but exactly `*` or `?` — a day matches if either field matches, so
/// `0 0 12 13 * FRI` fires on every 13th *and* on every Friday. When one of them is `*` or `?`,
/// only the other counts. (Vixie cron also treats `*/2` as unrestricted; here only a bare `*` or
/// `?` is.) Quartz's rule that one of them must be `?` is not enforced.
///
/// ## Time zones and daylight saving
/// The fields are wall-clock times in ``zone``. When the clock jumps:
/// - A **fixed-time** expression — the second, minute and hour fields each a single value, such
///   as `0 30 2 * * *` — fires once on each matching day. If that wall-clock time falls in a
///   spring-forward gap, it fires once at the first valid instant after the gap (02:30 in New York
///   on the day clocks go from 02:00 to 03:00 fires at 03:00 EDT; Quartz skips the day instead).
///   If it falls in a repeated hour, it fires once, at the first occurrence.
/// - An **interval** expression — a `*`, step, list or range in the second, minute or hour field —
///   follows real elapsed time: every instant whose wall-clock time matches fires, so in a
///   repeated hour it fires in both passes, and in a gap it has no wall-clock times to fire at.
///
/// ## Impossible expressions
/// An expression no date can satisfy (`0 0 0 30 2 *`, `0 0 0 31 4 *`, `* * * ? * MON#6`, or a
/// year list entirely in the past of every matching day) parses, reports
/// ``isSatisfiable`` `false`, and ``nextFire(after:)`` returns `nil` at once. Every search is
/// bounded: without a year field it looks at most 400 years ahead — one full cycle of the
/// Gregorian calendar, after which dates and weekdays repeat — and otherwise up to the last
/// listed year.
///
/// The next fire is computed field by field with integer calendar arithmetic and the ``Zone``'s
/// offsets and transitions (TZif data, no ICU). Fires are whole seconds.
public struct CronExpression: Schedule, Hashable {
    /// The expression as written.
    public let text: String
    /// Parsing options (day-of-week numbering).
    public let options: Options
    /// Whether any instant matches; `false` for impossible expressions, which never fire.
    public let isSatisfiable: Bool
    /// The parsed fields.
    let fields: CronFields
    /// The seven field texts (second … year), uppercased, for ``summary``.
    let tokens: [String]
    private let timeline: ZoneTimeline

    /// The zone whose wall clock the fields describe.
    public var zone: Zone { timeline.zone }

    /// Whether this is a fixed-time expression (second, minute and hour each a single value),
    /// which fires once per matching day across daylight-saving changes; otherwise it is an
    /// interval expression, which follows elapsed time (see the type's documentation).
    public var isFixedTime: Bool { fields.isFixedTime }

    /// Parses `text` for the wall clock of `zone`.
    /// - Throws: ``CronSyntaxError`` naming the field and the 1-based column of the problem.
    public init(_ text: String, zone: Zone, options: Options = Options()) throws(CronSyntaxError) {
        let parsed = try CronParser.parse(text, numbering: options.dayOfWeekNumbering)
        self.init(text: text, fields: parsed.fields, tokens: parsed.tokens, zone: zone, options: options)
    }

    /// An expression built from already-validated fields (the calendar presets).
    init(text: String, fields: CronFields, tokens: [String], zone: Zone, options: Options = Options()) {
        self.text = text
        self.fields = fields
        self.tokens = tokens
        self.options = options
        self.timeline = ZoneTimeline(zone: zone)
        self.isSatisfiable = fields.isSatisfiable
    }

    /// `cron "0 30 2 * * *" in America/New_York`.
    public var description: String {
        "cron \"\(text)\" in \(zone.identifier)"
    }

    /// The first fire strictly after `instant`, or `nil` when the expression never fires again.
    public func nextFire(after instant: Date) -> Date? {
        let seconds = instant.timeIntervalSince1970.rounded(.down)
        // Beyond ±30 000 years there is nothing sensible to answer (and Int conversion must not trap).
        guard isSatisfiable, abs(seconds) < 1e12 else { return nil }
        let start = Int(seconds) + 1
        let fire = isFixedTime ? nextFixedTimeFire(from: start) : nextIntervalFire(from: start)
        return fire.map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// The first fire at or after `start` of a fixed-time expression: on each matching day, the
    /// first instant showing the time, or the end of the gap that skips it.
    private func nextFixedTimeFire(from start: Int) -> Int? {
        // Fires never decrease from one matching day to the next; the previous local day's fire
        // may still lie ahead of `start` (a gap pushing it past midnight), so begin there.
        let startDay = CivilTime.floorDivide(timeline.localSeconds(at: start), 86_400)
        var local = (startDay - 1) * 86_400
        while let match = fields.nextMatch(from: local) {
            let fire = timeline.firstInstant(atLocal: match)
            if fire >= start { return fire }
            local = match + 1
        }
        return nil
    }

    /// The first instant at or after `start` whose wall-clock time matches (interval expressions).
    ///
    /// Walks the zone's spans of constant offset: within a span the wall clock runs with real
    /// time, so the first matching wall-clock time at or after the span's first second, shifted
    /// by the span's offset, is the answer if it falls inside the span. A search's result is
    /// reused while the next span's wall clock stays within the range already searched, so a fire
    /// many transitions away costs one search, not one per transition.
    private func nextIntervalFire(from start: Int) -> Int? {
        var instant = start
        // The first match at or after local `from` is `match` (nil: none within the bound).
        var known: (from: Int, match: Int?)?
        while true {
            let (offset, end) = timeline.span(at: instant)
            let local = instant + offset
            let match: Int?
            if let known, local >= known.from, known.match.map({ local <= $0 }) ?? true {
                match = known.match
            } else if let known, local < known.from {
                // A backward jump: only the wall-clock range not searched yet can hold an earlier match.
                match = fields.nextMatch(from: local, before: known.from) ?? known.match
            } else {
                match = fields.nextMatch(from: local)
            }
            known = (local, match)
            guard let match else { return nil }
            let fire = match - offset
            guard let end, fire >= end else { return fire }
            instant = end
        }
    }
}
