#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A response a handler returns: status, header fields and body.
///
/// The server adds and owns the framing headers: `Content-Length` (fixed bodies) or
/// `Transfer-Encoding: chunked` (streams on HTTP/1.1), `Connection`, and `Date`; such fields set
/// by the handler are ignored, except `Connection: close`, which closes the connection after this
/// response. Header values containing CR, LF or NUL are sanitised (replaced by spaces) and fields
/// with invalid names are dropped, so a handler can never split a response.
public struct HTTPResponse: Sendable {
    /// The status line's code and reason.
    public var status: HTTPStatus
    /// The header fields the handler chose.
    public var headers: HTTPHeaders
    /// The body.
    public var body: HTTPResponseBody

    /// Creates a response with a fixed body.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.init(status: status, headers: headers, body: .bytes(body))
    }

    /// Creates a response with any body.
    public init(status: HTTPStatus, headers: HTTPHeaders = [:], body: HTTPResponseBody) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        if headers["Content-Type"] == nil { headers["Content-Type"] = "text/plain; charset=utf-8" }
        return HTTPResponse(status: status, headers: headers, body: .text(text))
    }

    /// An `application/json` response whose body is `json`, already encoded.
    public static func json(_ json: String, status: HTTPStatus = .ok, headers: HTTPHeaders = [:]) -> HTTPResponse {
        jsonBytes(Array(json.utf8), status: status, headers: headers)
    }

    /// An `application/json` response encoding `value` with `encoder`.
    /// - Throws: the encoder's error if `value` cannot be encoded.
    public static func json(encoding value: some Encodable, status: HTTPStatus = .ok, headers: HTTPHeaders = [:],
                            encoder: JSONEncoder = JSONEncoder()) throws -> HTTPResponse {
        jsonBytes(Array(try encoder.encode(value)), status: status, headers: headers)
    }

    /// A plain-text error or status response: `404 Not Found` (and `message` on a second line).
    public static func status(_ status: HTTPStatus, message: String? = nil, headers: HTTPHeaders = [:]) -> HTTPResponse {
        let text = message.map { "\(status)\n\($0)\n" } ?? "\(status)\n"
        return .text(text, status: status, headers: headers)
    }

    /// A streaming response: `producer` runs in its own task and feeds the body through an
    /// ``HTTPStreamWriter``; the body ends when it returns (or calls ``HTTPStreamWriter/finish()``).
    /// For a `HEAD` request the head is sent and the producer never runs.
    public static func stream(status: HTTPStatus = .ok, headers: HTTPHeaders = [:],
                              _ producer: @escaping HTTPResponseBody.Producer) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: .stream(producer))
    }

    /// A Server-Sent Events stream: `Content-Type: text/event-stream`, `Cache-Control: no-cache`,
    /// fed by `producer` (send ``ServerSentEvent`` values through the writer).
    public static func serverSentEvents(headers: HTTPHeaders = [:],
                                        _ producer: @escaping HTTPResponseBody.Producer) -> HTTPResponse {
        var headers = headers
        if headers["Content-Type"] == nil { headers["Content-Type"] = "text/event-stream" }
        if headers["Cache-Control"] == nil { headers["Cache-Control"] = "no-cache" }
        return stream(status: .ok, headers: headers, producer)
    }

    private static func jsonBytes(_ bytes: [UInt8], status: HTTPStatus, headers: HTTPHeaders) -> HTTPResponse {
        var headers = headers
        if headers["Content-Type"] == nil { headers["Content-Type"] = "application/json" }
        return HTTPResponse(status: status, headers: headers, body: .bytes(bytes))
    }
}

extension JSONEncoder {
    /// How steward writes JSON everywhere (HTTP bodies, `/events`, the CLI's `--json`): ISO 8601
    /// dates and sorted keys, so the same value reads the same wherever it is printed.
    package static var steward: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
