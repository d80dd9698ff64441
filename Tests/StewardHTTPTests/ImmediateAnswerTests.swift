@testable import StewardHTTP
import Synchronization
import Testing

/// Handlers that answer on the server's loop, without a task: the probes orchestrators poll.
@Suite("Immediate answers on the server's loop", .timeLimit(.minutes(1)))
struct ImmediateAnswerTests {
    /// Whether each immediate answer ran inside a task, in order.
    final class Notes: Sendable {
        private let values = Mutex<[Bool]>([])
        func append(_ value: Bool) { values.withLock { $0.append(value) } }
        var all: [Bool] { values.withLock { $0 } }
    }

    /// A router with an immediate route that notes whether it ran inside a task, and an async one.
    static func router(ranInTask: Notes) -> HTTPRouter {
        var router = HTTPRouter()
        router.get("/probe", immediate: { request in
            ranInTask.append(withUnsafeCurrentTask { $0 != nil })
            return .text("probe \(request.queryItems.first?.value ?? "")\n")
        })
        router.get(.prefix("/slow/")) { request in
            try? await Task.sleep(for: .milliseconds(Int(request.pathRemainder ?? "") ?? 0))
            return .text("slow \(request.pathRemainder ?? "")\n")
        }
        return router
    }

    @Test("the router answers immediate routes, 404 and 405 at once, and leaves async routes to a task")
    func routerImmediateResponses() {
        let ran = Notes()
        var router = Self.router(ranInTask: ran)
        router.post("/only-post") { _ in HTTPResponse.text("posted\n") }
        func request(_ method: HTTPMethod, _ target: String) -> HTTPRequest {
            HTTPRequest(method: method, target: target, parsed: RequestTarget(target)!, version: .http1_1, headers: HTTPHeaders(),
                        body: [], remoteAddress: "test")
        }
        #expect(router.immediateResponse(to: request(.get, "/probe?n=1"))?.body.bytes == Array("probe 1\n".utf8))
        #expect(router.immediateResponse(to: request(.head, "/probe"))?.status == .ok)  // HEAD falls back to GET
        #expect(router.immediateResponse(to: request(.get, "/slow/5")) == nil)
        #expect(router.immediateResponse(to: request(.get, "/nowhere"))?.status == .notFound)
        #expect(router.immediateResponse(to: request(.get, "/only-post"))?.status == .methodNotAllowed)
    }

    @Test("an immediate route runs on the loop, outside any task, and keeps order among pipelined async answers")
    func servedWithoutTask() async throws {
        let ran = Notes()
        try await withServer(handler: Self.router(ranInTask: ran)) { _, port in
            let client = try await TestConnection.open(port: port)
            try await client.send(get("/slow/40") + get("/probe?n=a") + get("/slow/0") + get("/probe?n=b"))
            #expect(try await client.response().bodyText == "slow 40\n")
            #expect(try await client.response().bodyText == "probe a\n")
            #expect(try await client.response().bodyText == "slow 0\n")
            #expect(try await client.response().bodyText == "probe b\n")
        }
        #expect(ran.all == [false, false])
    }

    @Test("a hundred pipelined immediate requests in one write are all answered, in order (deep runs go through tasks)")
    func manyPipelined() async throws {
        let ran = Notes()
        try await withServer(handler: Self.router(ranInTask: ran)) { _, port in
            let client = try await TestConnection.open(port: port)
            try await client.send((0..<100).map { get("/probe?n=\($0)") }.joined())
            for number in 0..<100 {
                #expect(try await client.response().bodyText == "probe \(number)\n")
            }
        }
        let inTask = ran.all
        #expect(inTask.count == 100)
        #expect(inTask.contains(false), "most are answered on the loop")
    }
}
