/// A job definition (or a pipeline) is invalid; ``problems`` lists every problem found.
public struct JobDefinitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The definition concerned (empty when the id itself is the problem).
    public var jobId: JobID
    /// One sentence per problem.
    public var problems: [String]

    /// Creates an error.
    public init(jobId: JobID, problems: [String]) {
        self.jobId = jobId
        self.problems = problems
    }

    /// A readable one-line description.
    public var description: String {
        "invalid job \"\(jobId)\": " + problems.joined(separator: "; ")
    }
}
