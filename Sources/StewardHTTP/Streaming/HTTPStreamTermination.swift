/// Why a streaming response ended. A struct wrapping a private enum so reasons can be added.
public struct HTTPStreamTermination: Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable { case finished, clientDisconnected, bufferOverflow, writeTimeout, serverStopped }
    private let kind: Kind

    /// The producer returned or called ``HTTPStreamWriter/finish()`` and every byte was written.
    public static let finished = HTTPStreamTermination(kind: .finished)
    /// The client closed the connection (or it failed: reset, broken pipe).
    public static let clientDisconnected = HTTPStreamTermination(kind: .clientDisconnected)
    /// The client read too slowly: the per-stream buffer bound was exceeded, so the connection was
    /// closed instead of letting memory grow.
    public static let bufferOverflow = HTTPStreamTermination(kind: .bufferOverflow)
    /// The client accepted no bytes for the write timeout while data was waiting.
    public static let writeTimeout = HTTPStreamTermination(kind: .writeTimeout)
    /// The server is shutting down.
    public static let serverStopped = HTTPStreamTermination(kind: .serverStopped)

    /// `finished`, `client disconnected`, `buffer overflow`, `write timeout` or `server stopped`.
    public var description: String {
        switch kind {
        case .finished: "finished"
        case .clientDisconnected: "client disconnected"
        case .bufferOverflow: "buffer overflow"
        case .writeTimeout: "write timeout"
        case .serverStopped: "server stopped"
        }
    }
}
