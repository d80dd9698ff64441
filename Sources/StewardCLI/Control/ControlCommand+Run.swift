import StewardControl
import StewardJobs
import StewardCore
import StewardSupervisor
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

extension ControlCommand {
    /// Runs the command against the steward listening on the socket; returns the exit code: 0
    /// done (for `health` and `wait`: ready), 1 refused, failed or not ready (the reason on
    /// standard error).
    public static func run(_ options: Options, environment: [String: String]) -> Int32 {
        do throws(ControlClient.Failure) {
            let client = ControlClient(socketPath: try socketPath(options, environment: environment))
            return try perform(options.action, client, tag: options.tag)
        } catch {
            StewardMain.writeError("steward: \(error)")
            return ExitCodes.failure
        }
    }

    private static func perform(_ action: Action, _ client: ControlClient, tag: String? = nil) throws(ControlClient.Failure) -> Int32 {
        switch action {
        case .status(let json):
            let response = try client.request("GET", ControlAPI.status)
            guard response.status == 200 else { return failed(response) }
            if json {
                print(response.text)
            } else {
                guard let status = try? decoder.decode(SupervisorStatus.self, from: Data(response.body)) else {
                    throw ControlClient.Failure(description: "steward's status could not be read (a different steward version?)")
                }
                print(StatusTable.render(status), terminator: "")
            }
            return ExitCodes.success
        case .start(let name): return try act(client, "POST", ControlAPI.process(ControlClient.encode(name), "start"))
        case .stop(let name): return try act(client, "POST", ControlAPI.process(ControlClient.encode(name), "stop"))
        case .restart(let name): return try act(client, "POST", ControlAPI.process(ControlClient.encode(name), "restart"))
        case .signal(let name, let number): return try act(client, "POST", ControlAPI.process(ControlClient.encode(name), "signal") + "?signal=\(number)")
        case .reload: return try act(client, "POST", ControlAPI.reload)
        case .shutdown: return try act(client, "POST", ControlAPI.shutdown)
        case .health:
            let response = try client.request("GET", "/readyz?verbose")
            print(response.text, terminator: response.text.hasSuffix("\n") ? "" : "\n")
            return response.status == 200 ? ExitCodes.success : ExitCodes.failure
        case .wait(let timeout):
            // Each request waits at most the server's limit; ask again until ready, until the
            // timeout, or until steward says it is shutting down.
            let deadline = timeout.map { ContinuousClock.now + $0 }
            while true {
                let remaining = deadline.map { $0 - ContinuousClock.now } ?? ControlRoutes.longestWait
                let slice = min(max(remaining, .zero), ControlRoutes.longestWait)
                let response = try client.request("GET", ControlAPI.wait + "?timeout=\(ControlClient.encode(slice.compactDescription))")
                if response.status == 200 { return ExitCodes.success }
                if response.status != 503 { return failed(response) }
                if let deadline, ContinuousClock.now >= deadline { return failed(response) }
            }
        case .logs(let name, let follow, let lines):
            var target = ControlAPI.process(ControlClient.encode(name), "logs") + "?lines=\(lines ?? (follow ? 10 : 100))"
            if follow { target += "&follow" }
            return try stream(client, target)
        case .jobs(let json):
            let response = try client.request("GET", "/jobs" + (tag.map { "?tag=\(ControlClient.encode($0))" } ?? ""))
            guard response.status == 200 else { return failed(response) }
            if json { print(response.text); return ExitCodes.success }
            let jobs: [JobBody] = try decode(response)
            print(JobTable.render(jobs, now: Date()), terminator: "")
            return ExitCodes.success
        case .trigger, .jobChange, .reschedule, .runRetry:
            return try performAction(action, client)
        case .runs, .runShow, .runLogs, .runWait, .audit, .nodes:
            throw ControlClient.Failure(description: "internal: journal reads go through JournalCommand")
        case .runStop(let id):
            return try act(client, "POST", "/runs/\(ControlClient.encode(id))/stop")
        }
    }

    /// Who asked, for a manual run's record: `user@host` of this client.
    static func requester() -> String {
        let user = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid\(getuid())"
        var host = [UInt8](repeating: 0, count: 256)
        _ = host.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count - 1) { gethostname($0, buffer.count - 1) }
        }
        return user + "@" + String(decoding: host.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func decode<T: Decodable>(_ response: ControlClient.Response) throws(ControlClient.Failure) -> T {
        guard let value = try? decoder.decode(T.self, from: Data(response.body)) else {
            throw ControlClient.Failure(description: "steward's answer could not be read (a different steward version?)")
        }
        return value
    }

    /// A streaming GET: the body to standard output as it comes.
    private static func stream(_ client: ControlClient, _ target: String) throws(ControlClient.Failure) -> Int32 {
            var status = 0
            var errorBody: [UInt8] = []
            try client.exchange("GET", target, head: { status = $0.status }) { bytes in
                if status == 200 {
                    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
                } else {
                    errorBody += bytes
                }
                return true
            }
            if status == 200 { return ExitCodes.success }
            return failed(ControlClient.Response(status: status, headers: [:], body: errorBody))
    }

    /// A mutating request: prints steward's message, or its error.
    static func act(_ client: ControlClient, _ method: String, _ target: String, body: String = "") throws(ControlClient.Failure) -> Int32 {
        let response = try client.request(method, target, body: Array(body.utf8))
        guard (200..<300).contains(response.status) else { return failed(response) }
        if let body = try? decoder.decode(ControlAPI.MessageBody.self, from: Data(response.body)) {
            print(body.message)
        } else if !response.body.isEmpty {
            print(response.text)
        }
        return ExitCodes.success
    }

    /// Writes steward's error answer to standard error; returns 1.
    static func failed(_ response: ControlClient.Response) -> Int32 {
        let message = (try? decoder.decode(ControlAPI.ErrorBody.self, from: Data(response.body)))?.error
            ?? (response.body.isEmpty ? "HTTP \(response.status)" : response.text)
        StewardMain.writeError("steward: \(message.hasSuffix("\n") ? String(message.dropLast()) : message)")
        return ExitCodes.failure
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
