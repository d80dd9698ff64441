@testable import StewardHTTP
import Testing

@Suite("Router and bearer tokens", .timeLimit(.minutes(1)))
struct RouterTests {
    private func request(_ method: HTTPMethod, _ target: String, headers: HTTPHeaders = [:]) throws -> HTTPRequest {
        try #require(HTTPRequest(method: method, target: target, headers: headers))
    }

    private func router() -> HTTPRouter {
        var router = HTTPRouter()
        router.get("/readyz") { _ in .text("all") }
        router.get(.prefix("/readyz/")) { request in .text("one:\(request.pathRemainder ?? "<nil>")") }
        router.get(.prefix("/readyz/special/")) { request in .text("special:\(request.pathRemainder ?? "")") }
        router.post(.prefix("/readyz/")) { _ in .text("posted") }
        router.add(.delete, "/item") { _ in .text("deleted") }
        return router
    }

    @Test("exact paths beat prefixes, longer prefixes beat shorter ones, the remainder is passed on")
    func precedence() async throws {
        let router = router()
        #expect(await router.handle(try request(.get, "/readyz")).body.bytes == Array("all".utf8))
        #expect(await router.handle(try request(.get, "/readyz/web")).body.bytes == Array("one:web".utf8))
        #expect(await router.handle(try request(.get, "/readyz/")).body.bytes == Array("one:".utf8))
        #expect(await router.handle(try request(.get, "/readyz/special/x")).body.bytes == Array("special:x".utf8))
        #expect(await router.handle(try request(.post, "/readyz/web")).body.bytes == Array("posted".utf8))
        // POST is not routed under the longer prefix, so the shorter one that has it answers.
        #expect(await router.handle(try request(.post, "/readyz/special/x")).body.bytes == Array("posted".utf8))
    }

    @Test("404 for unknown paths, 405 with Allow for known paths, HEAD falls back to GET")
    func errors() async throws {
        let router = router()
        let missing = await router.handle(try request(.get, "/nope"))
        #expect(missing.status == .notFound)
        let wrongMethod = await router.handle(try request(.put, "/item"))
        #expect(wrongMethod.status == .methodNotAllowed)
        #expect(wrongMethod.headers["allow"] == "DELETE")
        let readyz = await router.handle(try request(.delete, "/readyz"))
        #expect(readyz.headers["Allow"] == "GET, HEAD")
        #expect(router.allowedMethods(for: "/readyz/x") == [.get, .head, .post])
        let head = await router.handle(try request(.head, "/readyz"))
        #expect(head.status == .ok)
        #expect(head.body.bytes == Array("all".utf8))
    }

    @Test("adding a route twice replaces the handler")
    func replace() async throws {
        var router = HTTPRouter()
        router.get("/x") { _ in .text("old") }
        router.get("/x") { _ in .text("new") }
        #expect(await router.handle(try request(.get, "/x")).body.bytes == Array("new".utf8))
    }

    @Test("bearer tokens: missing, wrong, right, case-insensitive scheme; empty secret authorizes nothing")
    func bearer() async throws {
        let auth = HTTPBearerAuthenticator(token: "s3cret")
        let protected = auth.protect(HTTPClosureHandler { _ in .text("done") })
        let missing = await protected.handle(try request(.post, "/restart"))
        #expect(missing.status == .unauthorized)
        #expect(missing.headers["WWW-Authenticate"] == "Bearer")
        let wrong = await protected.handle(try request(.post, "/restart", headers: ["Authorization": "Bearer s3creT"]))
        #expect(wrong.status == .unauthorized)
        #expect(wrong.headers["WWW-Authenticate"] == "Bearer error=\"invalid_token\"")
        let prefix = await protected.handle(try request(.post, "/restart", headers: ["Authorization": "Bearer s3cret2"]))
        #expect(prefix.status == .unauthorized)
        let basic = await protected.handle(try request(.post, "/restart", headers: ["Authorization": "Basic s3cret"]))
        #expect(basic.status == .unauthorized)
        let right = await protected.handle(try request(.post, "/restart", headers: ["authorization": "bearer  s3cret "]))
        #expect(right.status == .ok)
        #expect(!HTTPBearerAuthenticator(token: "").isAuthorized(try request(.get, "/", headers: ["Authorization": "Bearer "])))
        #expect(HTTPBearerAuthenticator.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!HTTPBearerAuthenticator.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!HTTPBearerAuthenticator.constantTimeEquals(Array("ab".utf8), Array("abc".utf8)))
        #expect(!HTTPBearerAuthenticator.constantTimeEquals([], Array("a".utf8)))
    }
}

@Suite("Messages and formats", .timeLimit(.minutes(1)))
struct MessageTests {
    @Test("Server-Sent Events: fields, multi-line data, line-break sanitising, retry, comments")
    func serverSentEvents() {
        #expect(ServerSentEvent(data: "hi").formatted == "data: hi\n\n")
        #expect(ServerSentEvent(data: "a\nb\r\nc\rd", event: "health", id: "7").formatted
                == "event: health\nid: 7\ndata: a\ndata: b\ndata: c\ndata: d\n\n")
        #expect(ServerSentEvent(data: "x\n", event: "bad\nevent: injected", id: "1\r2").formatted
                == "event: badevent: injected\nid: 12\ndata: x\ndata:\n\n")
        #expect(ServerSentEvent(data: "", retry: .milliseconds(1500)).formatted == "retry: 1500\ndata:\n\n")
        #expect(ServerSentEvent.comment("ping") == ": ping\n\n")
    }

    @Test("headers: case-insensitive lookup, replacing, tokens, order kept")
    func headers() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "X-A": "1"]
        headers.add("x-a", "2")
        #expect(headers["CONTENT-TYPE"] == "text/plain")
        #expect(headers.values(for: "X-A") == ["1", "2"])
        headers["X-A"] = "3"
        #expect(headers.values(for: "x-a") == ["3"])
        #expect(headers.fields.map(\.name) == ["Content-Type", "X-A"])
        headers.add("Connection", "keep-alive, Close")
        #expect(headers.containsToken("close", in: "connection"))
        headers["Content-Type"] = nil
        #expect(!headers.contains("content-type"))
    }

    @Test("request targets: query items, valueless items, + as space, bad escapes rejected")
    func targets() throws {
        let request = try #require(HTTPRequest(method: .get, target: "/a%2Fb/c?verbose&x=1&x=2&sp=a+b%2B&e="))
        #expect(request.path == "/a/b/c")
        #expect(request.query == "verbose&x=1&x=2&sp=a+b%2B&e=")
        #expect(request.hasQueryItem("verbose"))
        #expect(request.queryValue("verbose") == nil)
        #expect(request.queryValue("x") == "1")
        #expect(request.queryValue("sp") == "a b+")
        #expect(request.queryValue("e") == "")
        #expect(!request.hasQueryItem("missing"))
        #expect(HTTPRequest(method: .get, target: "/bad%zz") == nil)
        #expect(HTTPRequest(method: .get, target: "/bad%2") == nil)
        #expect(HTTPRequest(method: .get, target: "/bad%FF") == nil)  // not UTF-8
        #expect(HTTPRequest(method: .get, target: "/with space") == nil)
        #expect(HTTPRequest(method: .get, target: "relative") == nil)
        #expect(HTTPRequest(method: .get, target: "http://host")?.path == "/")
        #expect(HTTPRequest(method: .get, target: "http://host?q=1")?.queryValue("q") == "1")
    }

    @Test("responses: text and JSON content types, framing headers owned by the server")
    func responses() throws {
        #expect(HTTPResponse.text("x").headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(HTTPResponse.json("{}").headers["Content-Type"] == "application/json")
        struct Payload: Encodable { var ok = true }
        let encoded = try HTTPResponse.json(encoding: Payload(), status: .accepted)
        #expect(encoded.status.code == 202)
        #expect(encoded.body.bytes == Array("{\"ok\":true}".utf8))
        #expect(HTTPResponse.status(.notFound).body.bytes == Array("404 Not Found\n".utf8))
        let head = ResponseHeadWriter.render(status: .ok, headers: ["Transfer-Encoding": "gzip", "X": "1"], framing: .length(3),
                                             connection: .close, date: "D")
        #expect(String(decoding: head, as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nX: 1\r\nDate: D\r\nContent-Length: 3\r\nConnection: close\r\n\r\n")
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
