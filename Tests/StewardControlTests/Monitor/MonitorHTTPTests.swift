import Foundation
import StewardControl
import StewardHTTP
import StewardJobs
import TestSupport
import Testing

/// The monitor's files and the runs API it pages through, on a real steward; and `steward ui`
/// over a journal file alone.
@Suite("the monitor over HTTP", .timeLimit(.minutes(1)))
struct MonitorHTTPTests {
    static let files = String(#filePath.dropLast("Tests/StewardControlTests/Monitor/MonitorHTTPTests.swift".count))
        + "Sources/StewardControl/Monitor/Files/"

    func header(_ name: String, _ response: LoopbackHTTP.Response) -> String? {
        for line in response.head.split(separator: "\r\n") where line.lowercased().hasPrefix(name.lowercased() + ":") {
            return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    func runs(_ body: String) throws -> [RunBody] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([RunBody].self, from: Data(body.utf8))
    }

    @Test("/ links the monitor; /ui/ serves the embedded files, the same bytes as the sources, revalidated by ETag")
    func files() async throws {
        let steward = try await ControlPlaneTests.Running("idle: { command: [\"sleep\", \"60\"] }")
        let index = try #require(await steward.http.get("/"))
        #expect(index.status == 200 && index.body.contains("href=\"/ui/\""), "\(index.body)")
        let sources = try FileManager.default.contentsOfDirectory(atPath: Self.files).sorted()
        #expect(sources.contains("index.html") && sources.contains("app.js"), "\(sources)")
        for file in sources {
            let (path, type) = file == "index.html" ? ("/ui/", "text/html") : ("/ui/" + file, file.hasSuffix(".js") ? "text/javascript" : "text/css")
            let response = try #require(await steward.http.get(path))
            #expect(response.status == 200)
            #expect(header("Content-Type", response)?.hasPrefix(type) == true, "\(response.head)")
            let source = try String(contentsOfFile: Self.files + file, encoding: .utf8)
            #expect(response.body == source, "the embedded \(file) is not the file under Monitor/Files (rebuild)")
            let etag = try #require(header("ETag", response))
            let again = try #require(await steward.http.request("GET", path, headers: ["If-None-Match: \(etag)"]))
            #expect(again.status == 304 && again.body.isEmpty)
            #expect(await steward.http.request("GET", path, headers: ["If-None-Match: \"other\""])?.status == 200)
        }
        #expect(await steward.http.get("/ui/secret.txt")?.status == 404)
        #expect(await steward.http.get("/ui")?.status == 301)
        let page = try String(contentsOfFile: Self.files + "index.html", encoding: .utf8)
        #expect(!page.contains("http://") && !page.contains("https://"), "the page loads nothing from another site")
    }

    @Test("/runs pages with before= and X-Next-Before; /runs/facets counts per state under the same filters; bad cursors and filters are named")
    func paging() async throws {
        let steward = try await ControlPlaneTests.Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            ok: { command: ["sh", "-c", "echo fine"] },
            bad: { command: ["sh", "-c", "echo broken; exit 2"] }
            """#, token: "t")
        let auth = ["Authorization: Bearer t"]
        #expect(await eventually { await steward.http.get("/jobs")?.body.contains("\"bad\"") == true })
        for job in ["ok", "ok", "bad", "ok", "bad"] {
            #expect(await steward.http.request("POST", "/jobs/\(job)/trigger", headers: auth)?.status == 202)
            #expect(await eventually { (try? runs(await steward.http.get("/runs?state=queued,running")?.body ?? "x"))?.isEmpty == true })
        }
        var seen: [String] = []
        var path = "/runs?limit=2"
        var pages = 0
        while pages < 10 {
            let page = try #require(await steward.http.get(path))
            #expect(page.status == 200, "\(page.body)")
            seen += try runs(page.body).map(\.runId)
            pages += 1
            guard let next = header("X-Next-Before", page) else { break }
            #expect(next == seen.last)
            path = "/runs?limit=2&before=\(next)"
        }
        #expect(pages == 3 && seen.count == 5 && Set(seen).count == 5, "\(seen)")
        #expect(seen == (try runs(await steward.http.get("/runs")?.body ?? "").map(\.runId)), "pages in the order of the whole list")
        let failed = try runs(await steward.http.get("/runs?state=failed&limit=1&before=\(seen[0])")?.body ?? "")
        #expect(failed.count == 1 && failed[0].state == "failed")

        let facets = try #require(await steward.http.get("/runs/facets"))
        #expect(try JSONDecoder().decode([String: Int].self, from: Data(facets.body.utf8)) == ["succeeded": 3, "failed": 2], "\(facets.body)")
        let byJob = try #require(await steward.http.get("/runs/facets?job=bad"))
        #expect(try JSONDecoder().decode([String: Int].self, from: Data(byJob.body.utf8)) == ["failed": 2])

        // What another site can make a browser send (a form post, cookies, its origin) never acts:
        // the token travels only in a header the page sets itself.
        let crossSite = try #require(await steward.http.request("POST", "/jobs/ok/trigger", headers: [
            "Origin: http://evil.example", "Cookie: token=t; Authorization=Bearer t", "Content-Type: application/x-www-form-urlencoded"]))
        #expect(crossSite.status == 401, "\(crossSite.head)")
        #expect(header("Access-Control-Allow-Origin", crossSite) == nil)
        #expect(try runs(await steward.http.get("/runs")?.body ?? "").count == 5, "nothing was triggered")

        let unknown = try #require(await steward.http.get("/runs?before=nope"))
        #expect(unknown.status == 400 && unknown.body.contains("before"), "\(unknown.body)")
        let badState = try #require(await steward.http.get("/runs/facets?state=sideways"))
        #expect(badState.status == 400 && badState.body.contains("state"), "\(badState.body)")
    }

    @Test("steward ui --journal serves the runs of a journal file read-only; bad arguments are named")
    func journalOnly() async throws {
        let steward = try await ControlPlaneTests.Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            hello: { command: ["sh", "-c", "echo 'hello <b>there</b>'"] }
            """#, token: "t")
        #expect(await eventually { await steward.http.get("/jobs")?.body.contains("hello") == true })
        #expect(await steward.http.request("POST", "/jobs/hello/trigger", headers: ["Authorization: Bearer t"])?.status == 202)
        #expect(await eventually { (try? runs(await steward.http.get("/runs?state=succeeded")?.body ?? "x"))?.count == 1 })
        let journal = steward.directory + "/journal.sqlite"

        let ui = try ChildProgram([ControlPlaneTests.steward, "ui", "--journal", journal, "--listen", "127.0.0.1:0"])
        var port = 0
        _ = await ui.waitUntil { lines in
            guard let line = lines.first(where: { $0.contains("/ui/") }), let url = line.split(separator: " ").first(where: { $0.hasPrefix("http://") }) else { return false }
            port = Int(url.split(separator: ":").last?.split(separator: "/").first ?? "") ?? 0
            return true
        }
        try #require(port > 0, "\(ui.lines)")
        let http = LoopbackHTTP(port: port)
        #expect(await http.get("/ui/")?.status == 200)
        let listed = try runs(await http.get("/runs")?.body ?? "")
        try #require(listed.count == 1)
        #expect(listed[0].jobId == "hello")
        #expect(await http.get("/runs/\(listed[0].runId)/log")?.body.contains("hello <b>there</b>") == true)
        #expect(await http.get("/runs/facets")?.body == #"{"succeeded":1}"#)
        #expect(await http.request("POST", "/jobs/hello/trigger")?.status == 404, "nothing acts on a journal file")
        ui.signal(SIGTERM)
        #expect(await ui.waitForExit() == .exited(0))

        let missing = try ChildProgram([ControlPlaneTests.steward, "ui", "--journal", steward.directory + "/none.sqlite", "--listen", "127.0.0.1:0"])
        #expect(await missing.waitForExit() == .exited(1))
        #expect(missing.lines.contains { $0.contains("no journal at") }, "\(missing.lines)")
        let usage = try ChildProgram([ControlPlaneTests.steward, "ui", "--journal", journal, "--listen", "127.0.0.1:x"])
        #expect(await usage.waitForExit() == .exited(64))
        #expect(usage.lines.contains { $0.contains("--listen") }, "\(usage.lines)")
        let unknown = try ChildProgram([ControlPlaneTests.steward, "ui", "--journal", journal, "--port", "1"])
        #expect(await unknown.waitForExit() == .exited(64))
        #expect(unknown.lines.contains { $0.contains("unknown argument \"--port\"") }, "\(unknown.lines)")
        let noJournal = try ChildProgram([ControlPlaneTests.steward, "ui"])
        #expect(await noJournal.waitForExit() == .exited(64))
        #expect(noJournal.lines.contains { $0.contains("--journal FILE is required") }, "\(noJournal.lines)")
    }
}

/// `/events` numbers its events; a client reconnecting with `Last-Event-ID` gets what it missed.
@Suite("/events resumes with Last-Event-ID", .timeLimit(.minutes(1)))
struct EventResumeTests {
    @Test("the events after the last id seen are sent again first; an id of another life replays nothing")
    func resume() async throws {
        let steward = try await ControlPlaneTests.Running("idle: { command: [\"sleep\", \"60\"] }", jobs: #"""
            hello: { command: ["sh", "-c", "echo hi"] }
            """#, token: "t")
        #expect(await eventually { await steward.http.get("/jobs")?.body.contains("hello") == true })
        // A first client sees the first run's events, with ids.
        let http = steward.http
        let first = Task { await http.streamLines("/events", seconds: 15) { $0.filter { $0.hasPrefix("event: run") }.count >= 2 } }
        try await Task.sleep(for: .milliseconds(300))  // not a verdict: a late subscriber only makes the first stream wait longer
        #expect(await steward.http.request("POST", "/jobs/hello/trigger", headers: ["Authorization: Bearer t"])?.status == 202)
        let seen = await first.value
        let ids = seen.filter { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
        try #require(ids.count >= 2, "\(seen)")
        // The run goes on while no client listens; one coming back after ids[0] gets the rest.
        #expect(await eventually { await steward.http.get("/runs?state=succeeded")?.body.contains("hello") == true })
        let resumed = await steward.http.streamLines("/events", headers: ["Last-Event-ID: \(ids[0])"], seconds: 5) { lines in
            lines.contains("id: \(ids[1])")
        }
        #expect(resumed.contains("id: \(ids[1])"), "\(resumed)")
        #expect(!resumed.contains("id: \(ids[0])"), "the event the client had is not sent again")
        let other = await steward.http.streamLines("/events", headers: ["Last-Event-ID: 1-1"], seconds: 1) { _ in false }
        #expect(!other.contains { $0.hasPrefix("id: ") }, "another life's id replays nothing: \(other)")
    }
}

/// A library user mounts the monitor in an application's own router.
@Suite("the monitor in an application's router")
struct MonitorMountTests {
    @Test("MonitorRoutes.mount serves the page and the job routes; actions need the token given")
    func mounted() async throws {
        let scheduler = JobScheduler()
        var router = HTTPRouter()
        MonitorRoutes.mount(on: &router, scheduler: scheduler, token: "s3cret")
        let page = await router.handle(try #require(HTTPRequest(method: .get, target: "/ui/")))
        #expect(page.status == .ok && page.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(await router.handle(try #require(HTTPRequest(method: .get, target: "/jobs"))).status == .ok)
        let runs = await router.handle(try #require(HTTPRequest(method: .get, target: "/runs?limit=5")))
        #expect(runs.status == .ok && runs.body.bytes == Array("[]".utf8))
        #expect(await router.handle(try #require(HTTPRequest(method: .get, target: "/runs/facets"))).body.bytes == Array("{}".utf8))
        let refused = await router.handle(try #require(HTTPRequest(method: .post, target: "/jobs/none/trigger")))
        #expect(refused.status == .unauthorized)
        let unknown = await router.handle(try #require(HTTPRequest(method: .post, target: "/jobs/none/trigger", headers: ["Authorization": "Bearer s3cret"])))
        #expect(unknown.status != .unauthorized && unknown.status.code >= 400, "with the token the request is heard (and answered: no such job)")
        var readOnly = HTTPRouter()
        MonitorRoutes.mount(on: &readOnly, scheduler: scheduler, token: nil)
        #expect(await readOnly.handle(try #require(HTTPRequest(method: .post, target: "/jobs/none/trigger"))).status == .forbidden,
                "without a token configured, actions are refused, saying how to enable them")
    }
}
