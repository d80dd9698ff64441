extension RunStore {
    /// See ``RunStore/runCounts(_:)``: counts the runs ``RunStore/runs(_:)`` returns for
    /// `query` without its limit and cursor. Fine for small stores; a journal answers with one
    /// indexed query instead.
    public func runCounts(_ query: RunQuery) async throws(RunStoreError) -> [RunState: Int] {
        var all = query
        all.limit = nil
        all.before = nil
        var counts: [RunState: Int] = [:]
        for record in try await runs(all) { counts[record.state, default: 0] += 1 }
        return counts
    }
}
