#if canImport(Glibc)
import Glibc
#endif

/// Starting an ``HTTPServer`` failed. The description names the address, e.g.
/// `cannot listen on 127.0.0.1:8080: address already in use (errno 98)`.
public struct HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. A struct wrapping a private enum so codes can be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Hashable { case addressInUse, permissionDenied, invalidAddress, addressUnavailable, system }
        private let kind: Kind

        /// Another socket already listens on the address (`EADDRINUSE`).
        public static let addressInUse = Code(kind: .addressInUse)
        /// Binding needs privileges the process lacks, e.g. a port below 1024 (`EACCES`).
        public static let permissionDenied = Code(kind: .permissionDenied)
        /// The host is not an IP literal, or the port is out of range.
        public static let invalidAddress = Code(kind: .invalidAddress)
        /// No local interface has the address (`EADDRNOTAVAIL`).
        public static let addressUnavailable = Code(kind: .addressUnavailable)
        /// Another system call failed (see ``HTTPServerError/errno``).
        public static let system = Code(kind: .system)

        /// A short phrase for the code.
        public var description: String {
            switch kind {
            case .addressInUse: "address already in use"
            case .permissionDenied: "permission denied"
            case .invalidAddress: "invalid address"
            case .addressUnavailable: "address not available"
            case .system: "system error"
            }
        }

        static func from(errno code: Int32) -> Code {
            switch code {
            case EADDRINUSE: .addressInUse
            case EACCES, EPERM: .permissionDenied
            case EADDRNOTAVAIL: .addressUnavailable
            default: .system
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// The address concerned, `host:port` (`[host]:port` for IPv6).
    public var address: String
    /// The failing call, e.g. `bind`.
    public var operation: String
    /// The `errno` value, if a system call failed.
    public var errno: Int32?

    /// Creates an error.
    public init(code: Code, address: String, operation: String, errno: Int32? = nil) {
        self.code = code
        self.address = address
        self.operation = operation
        self.errno = errno
    }

    /// E.g. `cannot listen on 127.0.0.1:8080: address already in use (bind, errno 98)`.
    public var description: String {
        let detail = errno.map { "\(operation), errno \($0)" } ?? operation
        return "cannot listen on \(address): \(code) (\(detail))"
    }
}
