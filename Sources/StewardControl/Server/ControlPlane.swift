import StewardCore
import StewardHTTP
import StewardSupervisor
#if canImport(Glibc)
import Glibc
#endif

/// Steward's listeners: the control socket (everything, for its owner and root) and, when
/// configured, HTTP over TCP (probes, status, metrics, events; actions only with a token).
///
/// Both start before the first process and stop after the last one, outside the runner's
/// groups, so `/readyz` answers through startup and shutdown (turning 500 as soon as shutdown
/// begins) and `steward status` works until the end.
public final class ControlPlane: Sendable {
    /// The control socket's server; `nil` if it could not be opened.
    public let controlSocket: HTTPServer?
    /// The TCP server; `nil` unless configured.
    public let http: HTTPServer?

    /// Opens the listeners. A control socket that cannot be opened (another steward owns the
    /// path, a read-only directory) is a warning: supervision matters more. A configured HTTP
    /// address that cannot be bound is an error.
    /// - Throws: `HTTPServerError` for the HTTP endpoint.
    /// `socketPath` `nil` opens no control socket.
    public init(supervisor: Supervisor, http endpoint: HTTPEndpoint?, socketPath: String?, logger: Logger,
                extraReadiness: @escaping @Sendable () -> [ProbeReport.Check] = { [] }) async throws(HTTPServerError) {
        let owner = getuid()
        if let socketPath {
            let socketServer = HTTPServer(
                configuration: .unix(path: socketPath) { $0.isOwnerOrRoot(owner) },
                logger: logger.with(["listener": "control"]),
                handler: ControlRoutes.router(for: supervisor, access: .full, extraReadiness: extraReadiness))
            do {
                try socketServer.start()
                controlSocket = socketServer
                logger.info("control socket listening", metadata: ["path": socketPath])
            } catch {
                logger.warning("no control socket: \(error)")
                controlSocket = nil
            }
        } else {
            controlSocket = nil
        }
        if let endpoint {
            var configuration = HTTPServerConfiguration(host: endpoint.host, port: Int(endpoint.port))
            configuration.shutdownGracePeriod = .seconds(1)
            let access: ControlAccess = endpoint.token.map { .token($0) } ?? .readOnly
            let server = HTTPServer(configuration: configuration, logger: logger.with(["listener": "http"]),
                                    handler: ControlRoutes.router(for: supervisor, access: access, extraReadiness: extraReadiness))
            do {
                try server.start()
            } catch {
                await controlSocket?.shutdown()  // removes the socket file before steward exits
                throw error
            }
            logger.info("HTTP listening", metadata: ["address": server.boundAddress ?? "?"])
            http = server
        } else {
            http = nil
        }
    }

    /// Closes both listeners (streams end, in-flight answers finish).
    public func shutdown() async {
        await http?.shutdown()
        await controlSocket?.shutdown()
    }
}
