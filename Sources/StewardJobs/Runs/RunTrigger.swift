/// Why a run exists. A struct wrapping a private enum; the journal stores ``name`` and
/// ``requestedBy``.
public struct RunTrigger: Sendable, Hashable, CustomStringConvertible {
    enum Value: String, Hashable, CaseIterable { case manual, schedule, later, retry, child, proceed }

    let value: Value
    /// Who asked, for manual and later runs (a user name, `"cli"`, `"http"`); else `nil`.
    public let requestedBy: String?

    /// Run now, on request.
    public static func manual(requestedBy: String? = nil) -> RunTrigger { RunTrigger(.manual, requestedBy) }
    /// Run at a given instant, on request.
    public static func later(requestedBy: String? = nil) -> RunTrigger { RunTrigger(.later, requestedBy) }
    /// A fire of the definition's schedule.
    public static let schedule = RunTrigger(.schedule, nil)
    /// An automatic retry of a failed run.
    public static let retry = RunTrigger(.retry, nil)
    /// Launched by another run (see ``RunRecord/parentRunId``).
    public static let child = RunTrigger(.child, nil)
    /// Continues an interrupted pipeline (see ``RunRecord/proceedOf``).
    public static let proceed = RunTrigger(.proceed, nil)

    private init(_ value: Value, _ requestedBy: String?) {
        self.value = value
        self.requestedBy = requestedBy
    }

    /// Rebuilds a trigger from its stored ``name``; `nil` for an unknown name.
    public init?(name: String, requestedBy: String? = nil) {
        guard let value = Value(rawValue: name) else { return nil }
        self.init(value, value == .manual || value == .later ? requestedBy : nil)
    }

    /// `manual`, `schedule`, `later`, `retry`, `child` or `proceed`.
    public var name: String { value.rawValue }

    /// `manual by alice`, `schedule`, …
    public var description: String { requestedBy.map { "\(name) by \($0)" } ?? name }
}
