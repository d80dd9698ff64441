import StewardCore
import StewardHTTP
import StewardJobs
import StewardSupervisor
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// steward's `/events`: the lifecycle's events (`event: component` / `milestone`) and the jobs'
/// run changes (`event: run`, a ``RunBody`` whose stderr tail and output are withheld unless the
/// client may see them), as one Server-Sent Events stream.
enum ControlEvents {
    static func stream(_ supervisor: Supervisor, permitted: Bool) -> HTTPResponse {
        let lifecycleEvents = supervisor.lifecycle.events(bufferingPolicy: .bufferingNewest(LifecycleRoutes.eventBacklog))
        let runs = supervisor.jobs?.scheduler.runChanges(bufferingPolicy: .bufferingNewest(LifecycleRoutes.eventBacklog))
        return .serverSentEvents { writer in
            guard writer.sendComment("steward events") else { return }
            let encoder = JSONEncoder.steward
            func send(_ value: some Encodable, as kind: String) -> Bool {
                guard let data = try? encoder.encode(value) else { return true }
                return writer.send(ServerSentEvent(data: String(decoding: data, as: UTF8.self), event: kind))
            }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in lifecycleEvents {
                        let payload = EventPayload(event)
                        guard send(payload, as: payload.kind) else { return }
                    }
                }
                if let runs {
                    group.addTask {
                        for await record in runs where !send(RunBody(record).redacted(unless: permitted), as: "run") { return }
                        await writer.waitUntilClosed()  // no scheduler events left: keep the lifecycle's flowing
                    }
                }
                group.addTask { await writer.waitUntilClosed() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
