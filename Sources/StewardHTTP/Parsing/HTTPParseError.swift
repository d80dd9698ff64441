/// Why a request was refused before reaching a handler: the status to answer with and a short
/// explanation for the response body. The connection is closed after the answer.
struct HTTPParseError: Error, Equatable {
    var status: HTTPStatus
    var message: String

    static func badRequest(_ message: String) -> HTTPParseError { HTTPParseError(status: .badRequest, message: message) }
}

/// The request limits the parser enforces (from ``HTTPServerConfiguration``).
struct RequestLimits: Sendable {
    var maxRequestLineLength: Int
    var maxHeaderCount: Int
    var maxHeaderBytes: Int
    var maxBodySize: Int

    init(_ configuration: HTTPServerConfiguration) {
        maxRequestLineLength = configuration.maxRequestLineLength
        maxHeaderCount = configuration.maxHeaderCount
        maxHeaderBytes = configuration.maxHeaderBytes
        maxBodySize = configuration.maxBodySize
    }
}
