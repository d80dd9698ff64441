import StewardCore
import StewardHTTP
import StewardJobs
import StewardSupervisor
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// steward's `/events`: the lifecycle's events (`event: component` / `milestone`), the jobs'
/// run changes (`event: run`, a ``RunBody`` whose stderr tail and output are withheld unless the
/// client may see them), runs' progress (`event: progress`, a ``ProgressEventBody``, at most 10
/// a second per run) and job changes (`event: job`, a ``JobEventBody``), as one Server-Sent
/// Events stream.
enum ControlEvents {
    static func stream(_ supervisor: Supervisor, permitted: Bool) -> HTTPResponse {
        let lifecycleEvents = supervisor.lifecycle.events(bufferingPolicy: .bufferingNewest(LifecycleRoutes.eventBacklog))
        let scheduler = supervisor.jobs?.scheduler
        let runs = scheduler?.runChanges(bufferingPolicy: .bufferingNewest(LifecycleRoutes.eventBacklog))
        let progress = scheduler?.progressChanges(bufferingPolicy: .bufferingNewest(LifecycleRoutes.eventBacklog))
        let jobChanges = scheduler?.jobChanges(bufferingPolicy: .bufferingNewest(LifecycleRoutes.eventBacklog))
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
                if let progress {
                    group.addTask {
                        for await update in progress where !send(ProgressEventBody(update), as: "progress") { return }
                        await writer.waitUntilClosed()
                    }
                }
                if let jobChanges {
                    group.addTask {
                        for await change in jobChanges where !send(JobEventBody(change, permitted: permitted), as: "job") { return }
                        await writer.waitUntilClosed()
                    }
                }
                group.addTask { await writer.waitUntilClosed() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
