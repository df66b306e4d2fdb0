import CProtocolsServer
import CWaylandServer
import Compositor

/// zxdg_decoration_manager_v1: lets a client ask who draws its toplevel's title bar and borders. Seawall
/// draws no decorations, so every toplevel is told client_side (ZxdgToplevelDecorationV1.swift); Qt, kitty
/// and foot ask, and then draw their own.
final class ZxdgDecorationManagerV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit

    static let implementation = Implementation(zxdg_decoration_manager_v1_interface(
        destroy: Resource.destroyRequest,
        get_toplevel_decoration: { client, resource, id, toplevel in
            guard let client, let resource, let manager = ZxdgDecorationManagerV1.from(resource) else { return }
            manager.getToplevelDecoration(client: client, version: wl_resource_get_version(resource), id: id,
                                          toplevel: toplevel)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in ZxdgDecorationManagerV1(server: server) }
    }

    private init(server: Server) { self.server = server }

    /// get_toplevel_decoration: one decoration object per toplevel (already_constructed), made before the
    /// toplevel's surface has a buffer attached or committed (unconfigured_buffer). Both errors belong to
    /// zxdg_toplevel_decoration_v1, so the new object is made first and the error posted on it.
    private func getToplevelDecoration(client: OpaquePointer, version: Int32, id: UInt32, toplevel resource: OpaquePointer?) {
        guard let toplevel = XdgToplevel.from(resource) else {
            // A destroyed (inert) toplevel: nothing to decorate, and no error the XML names.
            ZxdgToplevelDecorationV1.create(server: server, client: client, version: version, id: id, toplevel: nil)
            return
        }
        let surface = toplevel.window.surface
        let hasBuffer = (surface?.hasBuffer ?? false) || (surface?.pending.buffer.isAttach ?? false)
        let alreadyDecorated = toplevel.decoration != nil
        guard let decoration = ZxdgToplevelDecorationV1.create(server: server, client: client, version: version, id: id,
                                                              toplevel: (alreadyDecorated || hasBuffer) ? nil : toplevel)
        else { return }
        if alreadyDecorated {
            return decoration.post(ZXDG_TOPLEVEL_DECORATION_V1_ERROR_ALREADY_CONSTRUCTED,
                "get_toplevel_decoration: this xdg_toplevel already has a zxdg_toplevel_decoration_v1")
        }
        if hasBuffer {
            return decoration.post(ZXDG_TOPLEVEL_DECORATION_V1_ERROR_UNCONFIGURED_BUFFER,
                "get_toplevel_decoration after the toplevel's surface got a buffer; ask before the first attach")
        }
        decoration.sendConfigure()
    }
}
