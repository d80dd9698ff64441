/// One Server-Sent Events message (the `text/event-stream` format of the HTML standard).
///
/// ``formatted`` renders it as `event:`, `id:`, `retry:` and `data:` lines ended by a blank line.
/// Multi-line data becomes several `data:` lines (the client joins them with `\n`); line breaks in
/// `event` and `id` are removed so a value can never start a new field.
///
/// ```swift
/// ServerSentEvent(data: "a\nb", event: "health", id: "7").formatted
/// // "event: health\nid: 7\ndata: a\ndata: b\n\n"
/// ```
public struct ServerSentEvent: Sendable, Hashable {
    /// The payload; each line becomes one `data:` line.
    public var data: String
    /// The event type (`event:`); `nil` means the client's default, `message`.
    public var event: String?
    /// The event id (`id:`), which the client sends back as `Last-Event-ID` when it reconnects.
    public var id: String?
    /// The reconnection delay to ask of the client (`retry:`, whole milliseconds).
    public var retry: Duration?

    /// Creates an event.
    public init(data: String, event: String? = nil, id: String? = nil, retry: Duration? = nil) {
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry
    }

    /// The event in wire format, ending with the blank line that dispatches it.
    public var formatted: String {
        var text = ""
        if let event { text += "event: \(Self.singleLine(event))\n" }
        if let id { text += "id: \(Self.singleLine(id))\n" }
        if let retry {
            let (seconds, attoseconds) = retry.components
            let milliseconds = max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
            text += "retry: \(milliseconds)\n"
        }
        for line in Self.lines(of: data) { text += line.isEmpty ? "data:\n" : "data: \(line)\n" }
        return text + "\n"
    }

    /// A comment line (`: text`), ignored by clients; useful as a keep-alive heartbeat.
    public static func comment(_ text: String) -> String {
        lines(of: text).map { $0.isEmpty ? ":\n" : ": \($0)\n" }.joined() + "\n"
    }

    /// Splits on `\r\n`, `\n` and `\r`; an empty string is one empty line.
    static func lines(of text: String) -> [Substring] {
        var lines: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            // "\r\n" is a single Character in Swift, so all three breaks are one element here.
            if character == "\n" || character == "\r" || character == "\r\n" {
                lines.append(text[start..<index])
                index = text.index(after: index)
                start = index
            } else {
                index = text.index(after: index)
            }
        }
        lines.append(text[start..<text.endIndex])
        return lines
    }

    private static func singleLine(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\n" && $0 != "\r" && $0 != "\0" }.map(Character.init))
    }
}
