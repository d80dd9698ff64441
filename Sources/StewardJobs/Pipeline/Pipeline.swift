/// Ordered, named steps run as one job: step N receives step N−1's output as its
/// ``JobContext/input`` (the first receives the run's input), and the run's output is the last
/// step's.
///
/// The run's record lists the ``RunRecord/steps`` and, as they complete, the
/// ``RunRecord/lastCompletedStep``. A failing step names itself in the error
/// (``PipelineStepError``) and later steps do not run. A step that throws ``JobInterrupt`` pauses
/// the run (`interrupted`); ``JobScheduler/proceed(_:extra:)`` continues it from the next step.
///
/// ```swift
/// let pipeline = try Pipeline([
///     .step("fetch") { context in try await fetch(context.input) },
///     .step("transform") { context in transform(context.input) },
///     .init(name: "upload", job: CommandJob(["upload.sh"])),
/// ])
/// ```
public struct Pipeline: Job {
    /// One named step.
    public struct Step: Sendable {
        /// The step's name, unique within its pipeline.
        public var name: String
        /// Its work.
        public var job: any Job

        /// Creates a step.
        public init(name: String, job: any Job) {
            self.name = name
            self.job = job
        }

        /// A step made of a closure.
        public static func step(_ name: String, _ body: @escaping @Sendable (JobContext) async throws -> JobValue) -> Step {
            Step(name: name, job: ClosureJob(body))
        }
    }

    /// The steps, in order.
    public let steps: [Step]

    /// Creates a pipeline.
    /// - Throws: ``JobDefinitionError`` when there is no step, or a name is empty or repeated.
    public init(_ steps: [Step]) throws(JobDefinitionError) {
        var problems: [String] = []
        if steps.isEmpty { problems.append("a pipeline needs at least one step") }
        var seen: Set<String> = []
        for step in steps {
            if step.name.isEmpty { problems.append("a step has an empty name") }
            if !seen.insert(step.name).inserted { problems.append("step name \"\(step.name)\" is repeated") }
        }
        guard problems.isEmpty else { throw JobDefinitionError(jobId: "", problems: problems) }
        self.steps = steps
    }

    /// The step names, in order.
    public var stepNames: [String] { steps.map(\.name) }

    /// Runs the steps (after the interrupting one when the run proceeds).
    public func execute(_ context: JobContext) async throws -> JobValue {
        let names = stepNames
        var first = 0
        if let proceeding = context.proceeding, let last = proceeding.lastCompletedStep {
            guard let index = names.firstIndex(of: last) else {
                throw PipelineStepError(step: last, index: -1,
                                        underlying: PipelineResumeError(step: last), message: "cannot continue after unknown step \"\(last)\"")
            }
            first = index + 1
        }
        let record = context.handle.update { $0.steps = names }
        context.handle.journal.update(record)
        var value = context.input
        for index in first..<steps.count {
            let step = steps[index]
            try context.checkCancellation()
            context.reportProgress("step \(index + 1)/\(steps.count): \(step.name)",
                                   fraction: Double(index) / Double(steps.count))
            var stepContext = context
            stepContext.input = value
            do {
                value = try await step.job.execute(stepContext)
            } catch let interrupt as JobInterrupt {
                complete(step.name, context)
                throw interrupt
            } catch {
                if error is CancellationError { throw error }
                throw PipelineStepError(step: step.name, index: index, underlying: error)
            }
            complete(step.name, context)
        }
        return value
    }

    private func complete(_ name: String, _ context: JobContext) {
        let record = context.handle.update { $0.lastCompletedStep = name }
        context.handle.journal.update(record)
    }
}

/// The record names a step the pipeline does not have (it changed since the run was interrupted).
struct PipelineResumeError: Error, CustomStringConvertible {
    let step: String
    var description: String { "the pipeline has no step named \"\(step)\"" }
}
