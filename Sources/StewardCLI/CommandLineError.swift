/// A command line could not be understood: what was wrong, for a one-line message and exit 64.
public struct CommandLineError: Error, Sendable, CustomStringConvertible {
    /// The message, naming the argument.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
