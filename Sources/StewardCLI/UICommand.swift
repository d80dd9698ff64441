import StewardControl
import StewardCore
import StewardHTTP
import StewardJobs
import StewardJournal
#if canImport(Glibc)
import Glibc
#endif

/// `steward ui --journal FILE [--listen HOST:PORT]`: the monitor, read-only, over a journal file
/// with no steward running (the history after the fact, also from another machine's copy).
/// Serves until SIGINT or SIGTERM.
public enum UICommand {
    /// The parsed command line.
    public struct Options: Sendable, Equatable {
        /// The journal file.
        public var journal: String
        /// The address to listen on; `127.0.0.1` by default.
        public var host: String = "127.0.0.1"
        /// The port; 8700 by default (0 picks a free one).
        public var port: Int = 8700
    }

    /// Parses `--journal FILE [--listen HOST:PORT]` (also `--journal=FILE`).
    public static func parse(_ arguments: [String]) throws(CommandLineError) -> Options {
        var journal: String?
        var listen: String?
        var index = 0
        while index < arguments.count {
            var argument = arguments[index]
            var inline: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                inline = String(argument[argument.index(after: equals)...])
                argument = String(argument[..<equals])
            }
            func value() throws(CommandLineError) -> String {
                if let inline { return inline }
                guard index + 1 < arguments.count else { throw CommandLineError("ui: \(argument) needs a value") }
                index += 1
                return arguments[index]
            }
            switch argument {
            case "--journal": journal = try value()
            case "--listen": listen = try value()
            default: throw CommandLineError("ui: unknown argument \"\(arguments[index])\" (expected --journal FILE [--listen HOST:PORT])")
            }
            index += 1
        }
        guard let journal, !journal.isEmpty else { throw CommandLineError("ui: --journal FILE is required (the journal.sqlite to show)") }
        var options = Options(journal: journal)
        if let listen {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
                throw CommandLineError("ui: --listen: expected HOST:PORT such as 127.0.0.1:8700, got \"\(listen)\"")
            }
            var host = String(listen[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw CommandLineError("ui: --listen: missing host in \"\(listen)\"") }
            options.host = host
            options.port = port
        }
        return options
    }

    /// Serves the monitor until SIGINT or SIGTERM; 0 then, 1 when the journal cannot be read
    /// or the address cannot be bound.
    public static func run(_ options: Options, logger: Logger) async -> Int32 {
        let reader: JournalReader
        do throws(RunStoreError) {
            reader = try JournalReader(path: options.journal)
        } catch {
            StewardMain.writeError("steward ui: \(error)")
            return ExitCodes.failure
        }
        let stop: AsyncStream<Int32>
        do throws(SystemError) {
            stop = try SignalListener.shared.signals([SIGINT, SIGTERM])
        } catch {
            StewardMain.writeError("steward ui: cannot take SIGINT/SIGTERM: \(error)")
            return ExitCodes.failure
        }
        var configuration = HTTPServerConfiguration(host: options.host, port: options.port)
        configuration.shutdownGracePeriod = .seconds(1)
        let server = HTTPServer(configuration: configuration, logger: logger.with(["listener": "ui"]),
                                handler: JournalMonitorRoutes.router(for: reader))
        do throws(HTTPServerError) {
            try server.start()
        } catch {
            StewardMain.writeError("steward ui: cannot listen on \(options.host):\(options.port): \(error)")
            return ExitCodes.failure
        }
        let address = server.boundAddress ?? "\(options.host):\(options.port)"
        OutputQueue.standardOutput.enqueue(Array("steward ui: the monitor of \(options.journal) (read-only) at http://\(address)/ui/ — Ctrl-C to stop\n".utf8))
        for await _ in stop { break }
        await server.shutdown()
        return ExitCodes.success
    }
}
