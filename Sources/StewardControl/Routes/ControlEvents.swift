import StewardCore
import StewardHTTP
import StewardJobs
import StewardSupervisor

/// steward's `/events`: the lifecycle's events (`event: component` / `milestone`) and the jobs'
/// run changes (`event: run`, a ``RunBody`` whose stderr tail and output are withheld unless the
/// client may see them), runs' progress (`event: progress`, a ``ProgressEventBody``, at most 10
/// a second per run) and job changes (`event: job`, a ``JobEventBody``), as one Server-Sent
/// Events stream. Every event has an id; a client that
/// reconnects with `Last-Event-ID` first gets the events it missed (see ``ControlEventLog``).
enum ControlEvents {
    static func stream(_ log: ControlEventLog, request: HTTPRequest, permitted: Bool) -> HTTPResponse {
        let (replay, live, onEnd) = log.subscribe(after: request.headers["Last-Event-ID"])
        return .serverSentEvents { writer in
            defer { onEnd() }
            guard writer.sendComment("steward events") else { return }
            func send(_ entry: ControlEventLog.Entry) -> Bool {
                writer.send(ServerSentEvent(data: permitted ? entry.privateData : entry.publicData, event: entry.kind, id: log.id(entry)))
            }
            for entry in replay where !send(entry) { return }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await entry in live where !send(entry) { return }
                }
                group.addTask { await writer.waitUntilClosed() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
