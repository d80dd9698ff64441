#if canImport(Glibc)
import Glibc
#endif

/// Reads an HTTP/1.1 response from a blocking socket: the head, then a body delimited by
/// `Content-Length`, chunked transfer coding, or the end of the connection.
struct ResponseReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var closed = false

    init(fd: Int32) { self.fd = fd }

    mutating func readHead() throws(ControlClient.Failure) -> ControlClient.Response {
        guard let head = try readUntil([13, 10, 13, 10]) else {
            throw ControlClient.Failure(description: "steward closed the control connection without answering")
        }
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw ControlClient.Failure(description: "the control socket did not answer in HTTP (is it steward's?)")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers[line[..<colon].lowercased()] = String(value.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
        return ControlClient.Response(status: status, headers: headers, body: [])
    }

    mutating func readBody(of response: ControlClient.Response, _ chunk: ([UInt8]) -> Bool) throws(ControlClient.Failure) {
        if response.headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                guard let sizeLine = try readUntil([13, 10]),
                      let size = Int(String(decoding: sizeLine, as: UTF8.self).split(separator: ";").first ?? "", radix: 16) else {
                    throw ControlClient.Failure(description: "steward's response ended early")
                }
                if size == 0 { return }
                guard let data = try readExactly(size + 2) else { throw ControlClient.Failure(description: "steward's response ended early") }
                guard chunk(Array(data.prefix(size))) else { return }
            }
        }
        if let length = response.headers["content-length"].flatMap({ Int($0) }) {
            guard let data = try readExactly(length) else { throw ControlClient.Failure(description: "steward's response ended early") }
            _ = chunk(data)
            return
        }
        while true {
            if !buffer.isEmpty {
                let data = buffer
                buffer = []
                guard chunk(data) else { return }
            }
            if closed { return }
            try fill()
        }
    }

    private mutating func readUntil(_ delimiter: [UInt8]) throws(ControlClient.Failure) -> [UInt8]? {
        var searchFrom = 0
        while true {
            if buffer.count >= delimiter.count {
                for start in searchFrom...(buffer.count - delimiter.count) where buffer[start..<(start + delimiter.count)].elementsEqual(delimiter) {
                    let found = Array(buffer[..<start])
                    buffer.removeFirst(start + delimiter.count)
                    return found
                }
                searchFrom = buffer.count - delimiter.count + 1
            }
            if closed { return nil }
            try fill()
        }
    }

    private mutating func readExactly(_ count: Int) throws(ControlClient.Failure) -> [UInt8]? {
        while buffer.count < count {
            if closed { return nil }
            try fill()
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    private mutating func fill() throws(ControlClient.Failure) {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer += chunk[..<count]
                return
            }
            if count == 0 {
                closed = true
                return
            }
            if errno == EINTR { continue }
            throw ControlClient.Failure(description: "reading from steward failed: \(String(cString: strerror(errno)))")
        }
    }
}
