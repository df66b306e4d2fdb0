import CProtocolsServer
import CWaylandServer
import Compositor

/// zxdg_toplevel_decoration_v1: the decoration mode of one toplevel. Seawall draws no decorations, so the
/// answer is always client_side: when the object is made, and again after every set_mode (whatever mode was
/// asked for) and unset_mode. Each configure is followed by an xdg_surface.configure once the toplevel had its
/// initial one (before that, the initial configure carries it). Destroying the xdg_toplevel before this object
/// is the `orphaned` error (XdgToplevel.swift posts it).
final class ZxdgToplevelDecorationV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    private weak var toplevel: XdgToplevel?

    static let implementation = Implementation(zxdg_toplevel_decoration_v1_interface(
        destroy: Resource.destroyRequest,
        set_mode: { _, resource, _ in ZxdgToplevelDecorationV1.from(resource)?.modeRequested() },
        unset_mode: { _, resource in ZxdgToplevelDecorationV1.from(resource)?.modeRequested() }))

    /// A decoration object for `toplevel` (nil: an inert object that is about to get an error, or whose
    /// toplevel is gone).
    @discardableResult
    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32,
                       toplevel: XdgToplevel?) -> ZxdgToplevelDecorationV1? {
        guard let (_, decoration) = makeResource(client: client, version: version, id: id, {
            ZxdgToplevelDecorationV1(server: server, resource: $0, toplevel: toplevel)
        }) else { return nil }
        toplevel?.decoration = decoration
        return decoration
    }

    private init(server: Server, resource: OpaquePointer, toplevel: XdgToplevel?) {
        self.server = server
        self.resource = resource
        self.toplevel = toplevel
    }

    func post(_ code: zxdg_toplevel_decoration_v1_error, _ message: String) {
        Resource.postError(resource, code: code.rawValue, message)
    }

    /// configure(client_side), then the xdg_surface.configure that makes it take effect.
    func sendConfigure() {
        guard let toplevel else { return }
        zxdg_toplevel_decoration_v1_send_configure(resource, ZXDG_TOPLEVEL_DECORATION_V1_MODE_CLIENT_SIDE.rawValue)
        toplevel.sendConfigureIfInitialized()
        server.display.flush()
    }

    /// set_mode (any mode: Seawall only has client_side) or unset_mode: the answer is client_side again.
    private func modeRequested() { sendConfigure() }

    func resourceDestroyed() {
        if toplevel?.decoration === self { toplevel?.decoration = nil }
    }
}
