/// A value that did not satisfy a syntax or range rule; ``message`` says why.
struct ConfigValueProblem: Error, Equatable {
    var message: String

    init(_ message: String) { self.message = message }
}
