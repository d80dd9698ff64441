extension JobScheduler {
    /// How many runs match `query`'s filters, per state (the monitor's facets), from the store.
    /// - Throws: ``JobSchedulerError`` `journal` when the store fails.
    public func runCounts(_ query: RunQuery = RunQuery()) async throws(JobSchedulerError) -> [RunState: Int] {
        do throws(RunStoreError) {
            return try await store.runCounts(query)
        } catch {
            throw JobSchedulerError(.journal, "\(error)")
        }
    }
}
