/// Visits a metadata dictionary in ascending key order without allocating for typical sizes.
///
/// Dictionary order is random per process, so formatters sort keys to make output deterministic.
/// Entries are copied into a temporary (stack, when small) buffer and insertion-sorted there, which
/// for the handful of keys a log record carries is faster than `sorted()` and allocates nothing;
/// larger dictionaries fall back to the standard library's sort.
enum LogMetadataOrder {
    /// Above this many entries, use the standard library sort instead of insertion sort.
    private static let insertionSortLimit = 24

    static func forEachSorted(_ metadata: [String: String], _ body: (String, String) -> Void) {
        switch metadata.count {
        case 0:
            return
        case 1:
            for (key, value) in metadata { body(key, value) }
        case let count where count > insertionSortLimit:
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { body(key, value) }
        case let count:
            withUnsafeTemporaryAllocation(of: (key: String, value: String).self, capacity: count) { entries in
                var initialized = 0
                for entry in metadata {
                    (entries.baseAddress! + initialized).initialize(to: entry)
                    initialized += 1
                }
                defer { _ = entries.baseAddress!.deinitialize(count: initialized) }
                // Insertion sort; keys of a dictionary are distinct, so the order is total.
                var index = 1
                while index < initialized {
                    var position = index
                    while position > 0, entries[position].key < entries[position - 1].key {
                        entries.swapAt(position, position - 1)
                        position -= 1
                    }
                    index += 1
                }
                for position in 0..<initialized {
                    body(entries[position].key, entries[position].value)
                }
            }
        }
    }
}
