/// Renders a response's status line and header fields, adding the framing headers the server owns.
enum ResponseHeadWriter {
    /// How the body is delimited.
    enum BodyFraming: Equatable {
        /// `Content-Length: n` (also for the head of a `HEAD` response).
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
        /// Neither: the body ends when the connection closes (HTTP/1.0 streams), or there is none
        /// by definition (1xx, 204, 304).
        case none
    }

    /// What to say in `Connection`.
    enum ConnectionDirective: Equatable {
        /// `Connection: close`.
        case close
        /// `Connection: keep-alive` (an HTTP/1.0 client that asked for it).
        case keepAlive
        /// Nothing (HTTP/1.1 default persistence).
        case omit
    }

    /// Fields a handler may not set: the server writes them itself.
    private static let reserved = ["Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Date"]

    /// The status line, the handler's fields (sanitised) and the framing fields, ending with the
    /// blank line.
    static func render(status: HTTPStatus, headers: HTTPHeaders, framing: BodyFraming,
                       connection: ConnectionDirective, date: String) -> [UInt8] {
        var text = "HTTP/1.1 \(status.code) \(sanitized(status.reasonPhrase))\r\n"
        for field in headers where isValidName(field.name) && !reserved.contains(where: { HTTPHeaders.namesEqual($0, field.name) }) {
            text += "\(field.name): \(sanitized(field.value))\r\n"
        }
        text += "Date: \(date)\r\n"
        switch framing {
        case .length(let length): text += "Content-Length: \(length)\r\n"
        case .chunked: text += "Transfer-Encoding: chunked\r\n"
        case .none: break
        }
        switch connection {
        case .close: text += "Connection: close\r\n"
        case .keepAlive: text += "Connection: keep-alive\r\n"
        case .omit: break
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(ASCII.isTokenCharacter)
    }

    /// Replaces CR, LF and other control characters (tab excepted) with spaces.
    private static func sanitized(_ value: String) -> String {
        guard value.utf8.contains(where: { !ASCII.isFieldValueCharacter($0) }) else { return value }
        return String(decoding: value.utf8.map { ASCII.isFieldValueCharacter($0) ? $0 : ASCII.space }, as: UTF8.self)
    }
}
