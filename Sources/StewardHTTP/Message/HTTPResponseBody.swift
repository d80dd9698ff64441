/// The body of an ``HTTPResponse``: bytes known up front (sent with `Content-Length`), or a stream
/// a producer feeds while the response is being sent. A struct wrapping a private enum so other
/// kinds of bodies can be added.
public struct HTTPResponseBody: Sendable {
    /// Produces a streaming body through the writer it is given; the stream ends when it returns.
    public typealias Producer = @Sendable (HTTPStreamWriter) async -> Void

    private enum Storage: Sendable {
        case bytes([UInt8])
        case stream(Producer)
    }

    private let storage: Storage

    private init(_ storage: Storage) { self.storage = storage }

    /// A body of fixed bytes.
    public static func bytes(_ bytes: [UInt8]) -> HTTPResponseBody { HTTPResponseBody(.bytes(bytes)) }

    /// A body of the UTF-8 bytes of `text`.
    public static func text(_ text: String) -> HTTPResponseBody { HTTPResponseBody(.bytes(Array(text.utf8))) }

    /// A streaming body, sent with `Transfer-Encoding: chunked` (HTTP/1.1) or delimited by closing
    /// the connection (HTTP/1.0). The producer runs in its own task once the head is queued.
    public static func stream(_ producer: @escaping Producer) -> HTTPResponseBody { HTTPResponseBody(.stream(producer)) }

    /// An empty body.
    public static let empty = HTTPResponseBody(.bytes([]))

    /// The fixed bytes, or `nil` for a streaming body.
    public var bytes: [UInt8]? {
        if case .bytes(let bytes) = storage { bytes } else { nil }
    }

    /// The producer of a streaming body, or `nil` for fixed bytes.
    public var producer: Producer? {
        if case .stream(let producer) = storage { producer } else { nil }
    }

    /// Whether the body is a stream.
    public var isStream: Bool { producer != nil }
}
