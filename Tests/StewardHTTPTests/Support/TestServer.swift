#if canImport(Glibc)
import Glibc
#endif
@testable import StewardHTTP
import Testing

/// A router with the routes most tests use.
func testRouter() -> HTTPRouter {
    var router = HTTPRouter()
    router.get("/hello") { _ in .text("hello\n") }
    router.get("/query") { request in
        let items = request.queryItems.map { "\($0.name)=\($0.value ?? "<nil>")" }.joined(separator: "&")
        return .text("path=\(request.path) verbose=\(request.hasQueryItem("verbose")) items=\(items)")
    }
    router.get(.prefix("/echo/")) { request in .text(request.pathRemainder ?? "") }
    router.post("/echo") { request in .json(request.bodyText, status: .created) }
    router.get("/remote") { request in .text(request.remoteAddress) }
    router.get("/sleep") { request in
        let milliseconds = Int(request.queryValue("ms") ?? "0") ?? 0
        try? await Task.sleep(for: .milliseconds(milliseconds))
        return .text("slept \(milliseconds)\n")
    }
    return router
}

/// Starts a server on an ephemeral port of 127.0.0.1, runs `body`, and always shuts it down.
func withServer(handler: some HTTPHandler = testRouter(), configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                _ body: (HTTPServer, Int) async throws -> Void) async throws {
    var configuration = HTTPServerConfiguration()
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    let port = try #require(server.boundPort)
    do {
        try await body(server, port)
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
}

/// Raises the open-file soft limit to the hard limit (for the many-connections tests).
func raiseFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
