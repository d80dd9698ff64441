import StewardControl
import StewardCore
import StewardJobs
import StewardJournal
import StewardSupervisor
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `steward audit [--limit N] [--json]`: the operator actions recorded, newest first — asked of
/// the running steward (`GET /audit`), or read from the journal file when none answers on the
/// control socket (or with `--journal FILE`).
enum AuditCommand {
    /// Runs the command; 0 done, 1 failed (the reason on standard error).
    static func run(_ options: ControlCommand.Options, limit: Int?, json: Bool, environment: [String: String]) -> Int32 {
        let limit = limit ?? 100
        var entries: [AuditBody]
        if options.journal == nil, let answered = fromSteward(options, limit: limit, environment: environment) {
            switch answered {
            case .success(let bodies): entries = bodies
            case .failure(let problem):
                StewardMain.writeError("steward: \(problem)")
                return ExitCodes.failure
            }
        } else {
            do throws(RunStoreError) {
                let reader = try JournalReader(path: try JournalCommand.path(options, environment: environment))
                entries = try reader.auditEntries(limit: limit).map(AuditBody.init)
            } catch {
                StewardMain.writeError("steward: \(error.message)")
                return ExitCodes.failure
            }
        }
        if json {
            print((try? JSONEncoder.steward.encode(entries)).map { String(decoding: $0, as: UTF8.self) } ?? "[]")
        } else {
            print(render(entries), terminator: "")
        }
        return ExitCodes.success
    }

    /// The entries from the steward on the socket; `nil` when none answers there.
    private static func fromSteward(_ options: ControlCommand.Options, limit: Int,
                                    environment: [String: String]) -> Result<[AuditBody], ControlClient.Failure>? {
        let response: ControlClient.Response
        do throws(ControlClient.Failure) {
            let client = ControlClient(socketPath: try ControlCommand.socketPath(options, environment: environment))
            response = try client.request("GET", ControlAPI.audit + "?limit=\(limit)")
        } catch {
            return nil
        }
        guard response.status == 200 else {
            let message = (try? ControlCommand.decoder.decode(ControlAPI.ErrorBody.self, from: Data(response.body)))?.error
            return .failure(ControlClient.Failure(description: message ?? "HTTP \(response.status)"))
        }
        do throws(ControlClient.Failure) {
            return .success(try ControlCommand.decode(response))
        } catch {
            return .failure(error)
        }
    }

    /// One line per entry: when, who, what, of what, the run, how it went. Every cell that came
    /// from a request (a target or run id is whatever the client put in its path) is escaped: no
    /// control character reaches the terminal.
    static func render(_ entries: [AuditBody]) -> String {
        let header = ["AT", "ACTOR", "ACTION", "TARGET", "RUN", "DETAIL"]
        let rows = [header] + entries.map { entry in
            [InstantText.format(entry.at), entry.actor, entry.action, entry.target.isEmpty ? "-" : entry.target,
             entry.runId ?? "-", entry.detail].map(ControlCharacterEscaping.escaped)
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
