import StewardHTTP

/// One file of the monitor's page, embedded in the binary, with the validator browsers cache it by.
struct MonitorAsset: Sendable {
    /// The bytes as written under `Monitor/Files`.
    let bytes: [UInt8]
    /// `Content-Type`.
    let contentType: String
    /// A strong `ETag`: a quoted 64-bit FNV-1a hash of the bytes, so it changes with the content.
    let etag: String

    init(_ bytes: [UInt8], contentType: String) {
        self.bytes = bytes
        self.contentType = contentType
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        etag = "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// The file for `request`: `304 Not Modified` when the browser's copy is current
    /// (`If-None-Match`), else the bytes. Browsers revalidate each time (`no-cache`), which costs
    /// one small request and never shows a stale page after an upgrade.
    func response(to request: HTTPRequest) -> HTTPResponse {
        var headers: HTTPHeaders = [
            "ETag": etag,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": MonitorAsset.contentSecurityPolicy,
        ]
        if let tags = request.headers["If-None-Match"],
           tags.split(separator: ",").contains(where: { $0.trimmingCharacters(in: " ") == etag || $0.trimmingCharacters(in: " ") == "*" }) {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        headers["Content-Type"] = contentType
        return HTTPResponse(status: .ok, headers: headers, body: bytes)
    }

    /// Only this origin's own script and style; no inline script, no other site, no framing.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
}

private extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return text
    }
}
