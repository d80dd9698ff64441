import StewardHTTP
import StewardJobs

/// The monitor: a live web page of processes, jobs, runs, logs and the audit trail, written in
/// plain HTML, CSS and JavaScript and compiled into the binary (no build step, no network).
///
/// `steward run` serves it at `/ui/` on its HTTP listener (`http.listen`), linked from `/`. The
/// page reads the control API of the same origin (`/status`, `/jobs`, `/runs`, `/events`, …);
/// it is read-only until the operator enters the listener's `http.token`, which it keeps in the
/// tab's `sessionStorage` and sends as `Authorization: Bearer …` with `X-Steward-Client: monitor`
/// (never a cookie, so another site cannot make a browser act).
///
/// An application that runs its own `HTTPServer` mounts the same page, and the job routes it
/// reads, on its router:
///
/// ```swift
/// var router = HTTPRouter()
/// LifecycleRoutes.mount(probes, on: &router)                       // /livez, /readyz, /events
/// MonitorRoutes.mount(on: &router, scheduler: scheduler, token: "s3cret")  // /ui/, /jobs, /runs…
/// ```
///
/// Screens whose API an application does not serve (processes without `/status`, the audit
/// without `/audit`) say so and the rest of the page works.
public enum MonitorRoutes {
    /// Where the page lives: `/ui/`.
    public static let path = "/ui/"

    /// Adds the page's files under ``path`` (and a redirect from `/ui`).
    public static func mount(on router: inout HTTPRouter) {
        router.get(.exact("/ui")) { _ in HTTPResponse(status: .movedPermanently, headers: ["Location": path]) }
        router.get(.prefix(path)) { request in
            guard let asset = asset(named: request.pathRemainder ?? "") else {
                return .text("no file \(request.path) in the monitor\n", status: .notFound)
            }
            return asset.response(to: request)
        }
    }

    /// Adds the page and, for `scheduler`, the job routes it reads (`/jobs`, `/runs`,
    /// `/runs/facets`, `/runs/ID`, and with `token` the actions and logs, which then require
    /// `Authorization: Bearer TOKEN`). Without a token the monitor is read-only.
    public static func mount(on router: inout HTTPRouter, scheduler: JobScheduler, token: String?) {
        mount(on: &router)
        JobRoutes.mount(on: &router, scheduler: { scheduler }, access: token.map { .token($0) } ?? .readOnly)
    }

    /// `GET /`: a short page naming the monitor and the API, for a person who opens the address.
    static func index(_ request: HTTPRequest) -> HTTPResponse {
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>steward</title></head><body>
            <h1>steward</h1><p><a href="/ui/">Open the monitor</a> (/ui/)</p>
            <p>API: <a href="/status">/status</a>, <a href="/jobs">/jobs</a>, <a href="/runs">/runs</a>,
            <a href="/readyz?verbose">/readyz</a>, <a href="/livez">/livez</a>, <a href="/metrics">/metrics</a>,
            /events (Server-Sent Events).</p></body></html>

            """
        return .text(html, headers: ["Content-Type": "text/html; charset=utf-8"])
    }

    /// The embedded file at `name` below ``path`` (`""` is the page itself).
    static func asset(named name: String) -> MonitorAsset? {
        name.isEmpty ? assets["index.html"] : assets[name]
    }

    /// Every file of the page by name: the HTML, the style sheet and the JavaScript modules.
    static let assets: [String: MonitorAsset] = {
        let html = "text/html; charset=utf-8", css = "text/css; charset=utf-8", js = "text/javascript; charset=utf-8"
        let files: [(String, [UInt8], String)] = [
            ("index.html", PackageResources.index_html, html), ("app.css", PackageResources.app_css, css),
            ("app.js", PackageResources.app_js, js), ("api.js", PackageResources.api_js, js), ("dom.js", PackageResources.dom_js, js),
            ("jobs.js", PackageResources.jobs_js, js), ("live.js", PackageResources.live_js, js), ("logs.js", PackageResources.logs_js, js),
            ("runs.js", PackageResources.runs_js, js), ("system.js", PackageResources.system_js, js),
        ]
        return Dictionary(uniqueKeysWithValues: files.map { ($0.0, MonitorAsset($0.1, contentType: $0.2)) })
    }()
}
