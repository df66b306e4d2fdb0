import CProtocolsServer
import CWaylandServer
import Compositor

/// xdg_activation_v1: focus requests with tokens. A client makes a token (XdgActivationTokenV1.swift) from
/// the serial of an input event it got and hands it on (to a process it starts, in XDG_ACTIVATION_TOKEN);
/// `activate` with that token asks for a window to become active. Whether it does is the compositor's
/// decision (Compositor/Activation.swift: a recent press, key or touch of the focused client, at most 10 s
/// old, used once); a refused request is ignored and logged at debug level, never a protocol error.
final class XdgActivationV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit

    /// The most xdg_activation_token_v1 objects one client may have at once.
    static let maxTokenObjectsPerClient = 64

    static let implementation = Implementation(xdg_activation_v1_interface(
        destroy: Resource.destroyRequest,
        get_activation_token: { client, resource, id in
            guard let client, let resource, let manager = XdgActivationV1.from(resource) else { return }
            manager.getActivationToken(client: client, version: wl_resource_get_version(resource), id: id)
        },
        activate: { client, resource, token, surface in
            guard let client, let manager = XdgActivationV1.from(resource), let token,
                  let surface = WlSurface.from(surface) else { return }
            manager.activate(client: client, token: String(cString: token), surface: surface)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in XdgActivationV1(server: server) }
    }

    private init(server: Server) { self.server = server }

    private func getActivationToken(client: OpaquePointer, version: Int32, id: UInt32) {
        let account = server.account(for: client)
        guard account.activationTokenObjects < Self.maxTokenObjectsPerClient else {
            return server.postImplementationError(client: client,
                "xdg_activation_v1.get_activation_token: more than \(Self.maxTokenObjectsPerClient) xdg_activation_token_v1 objects for one client")
        }
        XdgActivationTokenV1.create(server: server, client: client, account: account, version: version, id: id)
    }

    private func activate(client: OpaquePointer, token: String, surface: WlSurface) {
        let outcome = server.compositor.activate(token: token, surface: surface.state)
        defer { server.onActivationRequest?(outcome) }
        let shown = token.count <= 64 ? token : String(token.prefix(64)) + "…"
        if outcome == .activated {
            server.log.debug("xdg_activation_v1.activate by \(server.describe(client: client)): token \(shown) activated its window")
            server.display.flush()
        } else {
            server.log.debug("xdg_activation_v1.activate by \(server.describe(client: client)) ignored: \(outcome.reason) (token \(shown.debugDescription))")
        }
    }
}
