import StewardCore
import StewardJobs
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The demo's background job, defined in code: it "compacts" the fake database on a cron
/// schedule (every 15 s, with seconds) and once on demand at startup, reporting progress and
/// logging as it goes.
enum DemoJobs {
    static let compaction = JobID("compact")

    static func definition(zone: TimeZone) throws -> JobDefinition {
        JobDefinition(id: compaction, description: "compact the fake database",
                      schedule: try CronExpression("*/15 * * * * *", zone: zone), zone: zone.identifier,
                      timeout: .seconds(10)) { context in
            let pages = 4
            for page in 1...pages {
                try context.checkCancellation()
                context.log(.info, "compacting page \(page) of \(pages)")
                context.reportProgress("page \(page) of \(pages)", fraction: Double(page) / Double(pages))
                try await Task.sleep(for: .milliseconds(150))
            }
            return ["pages": .int(pages)]
        }
    }

    /// Reads a finished run back through the library API: its record and its log.
    static func describe(_ runId: RunID, in scheduler: JobScheduler, logger: Logger) async {
        guard let record = await scheduler.waitForCompletion(of: runId) else { return }
        let log = (try? await scheduler.readLog(runId))?.lines.map(\.text) ?? []
        logger.info("job run finished", metadata: [
            "job": record.jobId.rawValue, "run": record.runId.rawValue, "trigger": record.trigger.description,
            "state": record.state.name, "progress": record.progress.fraction.map { "\(Int($0 * 100))%" } ?? "-",
            "output": record.output?.jsonText ?? "-", "log": log.joined(separator: " | "),
        ])
    }
}
