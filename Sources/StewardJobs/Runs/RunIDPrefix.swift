/// How a run id typed by a person resolves: the whole id, or a prefix only one run's id starts
/// with (as `git` resolves commits). The one rule behind `steward run show`, `run logs`,
/// `run stop`, `run wait` and `run retry`, on either journal, with or without a running steward.
public enum RunIDPrefix {
    /// How many ids a lookup asks for: one more than an ambiguity message shows.
    public static let lookupLimit = 6

    /// What the ids starting with `text` (up to ``lookupLimit``, gathered from every place that
    /// knows runs) make of it.
    public enum Match: Sendable, Hashable {
        /// Exactly one run.
        case one(RunID)
        /// No run (or an empty `text`).
        case none
        /// Several runs: the message names up to five and asks for more of the id.
        case ambiguous(String)
    }

    /// The match of `text` among `ids`.
    public static func match(_ text: String, among ids: some Collection<RunID>) -> Match {
        let unique = Set(ids.filter { !text.isEmpty && $0.rawValue.hasPrefix(text) })
        guard let first = unique.first else { return .none }
        guard unique.count > 1 else { return .one(first) }
        let shown = unique.sorted().prefix(5).map(\.rawValue).joined(separator: ", ")
        return .ambiguous("several runs start with \(text): \(shown)\(unique.count > 5 ? ", …" : ""); type more of the id")
    }
}
