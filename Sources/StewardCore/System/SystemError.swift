#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call failed: what was being done and the `errno` it set.
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being attempted, e.g. "catching SIGTERM".
    public var operation: String
    /// The `errno` value.
    public var code: Int32

    /// Creates an error.
    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// An error for `operation` with the calling thread's current `errno`.
    public static func last(_ operation: String) -> SystemError { SystemError(operation: operation, code: errno) }

    public var description: String { "\(operation): \(String(cString: strerror(code))) (errno \(code))" }
}
