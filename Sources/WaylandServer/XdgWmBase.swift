import CProtocolsServer
import CWaylandServer

/// xdg_wm_base: the desktop shell global. Makes xdg_surfaces and positioners, and carries Seawall's pings
/// (`Server.ping`, ServerPing.swift: `seawall ctl input wait` roundtrips with the focused clients).
/// Implemented up to version 5 (configure_bounds, wm_capabilities); advertised at
/// `Configuration.xdgWmBaseVersion`, 3 by default, because Debian bookworm's weston 10 demo clients bind
/// whatever version is advertised and abort on the version-4 configure_bounds event they have no listener for.
final class XdgWmBase: ProtocolObject {
    static let highestVersion: Int32 = 5
    /// The version the global is offered at: `--xdg-wm-base-version`, kept within 1…`highestVersion`.
    static func advertisedVersion(_ configuration: Configuration) -> Int32 {
        min(highestVersion, max(1, configuration.xdgWmBaseVersion))
    }
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    /// The xdg_surfaces made through this object that are still alive (destroying the base first is an error).
    var liveSurfaces = 0

    static let implementation = Implementation(xdg_wm_base_interface(
        destroy: { _, resource in
            guard let resource else { return }
            if let base = XdgWmBase.from(resource), base.liveSurfaces > 0 {
                return Resource.postError(resource, code: XDG_WM_BASE_ERROR_DEFUNCT_SURFACES.rawValue,
                                          "xdg_wm_base destroyed while \(base.liveSurfaces) xdg_surface(s) made from it still exist")
            }
            wl_resource_destroy(resource)
        },
        create_positioner: { client, resource, id in
            guard let client, let resource else { return }
            XdgPositioner.create(client: client, version: wl_resource_get_version(resource), id: id)
        },
        get_xdg_surface: { client, resource, id, surface in
            guard let client, let base = XdgWmBase.from(resource) else { return }
            base.getXdgSurface(client: client, id: id, surfaceResource: surface)
        },
        pong: { _, resource, serial in
            // Only the serial of a ping sent on this very object counts; any other is ignored (the protocol
            // defines no error for it, and a stale pong after a timed-out wait is harmless).
            guard let base = XdgWmBase.from(resource) else { return }
            base.server.shellPings.pong(base, serial: serial)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        guard let (_, base) = makeResource(client: client, version: Int32(version), id: id, { XdgWmBase(server: server, resource: $0) })
        else { return }
        server.shellPings.bound(base)
    }

    func resourceDestroyed() { server.shellPings.destroyed(self) }

    private init(server: Server, resource: OpaquePointer) {
        self.server = server
        self.resource = resource
    }

    private func getXdgSurface(client: OpaquePointer, id: UInt32, surfaceResource: OpaquePointer?) {
        guard let surface = WlSurface.from(surfaceResource) else {
            return server.postImplementationError(client: client, "xdg_wm_base.get_xdg_surface: not a wl_surface Seawall made")
        }
        if let role = surface.roleName {
            return Resource.postError(resource, code: XDG_WM_BASE_ERROR_ROLE.rawValue,
                                      "wl_surface@\(wl_resource_get_id(surface.resource)) already has the role \(role)")
        }
        if surface.state.hasBuffer || surface.state.pending.buffer.isAttach {
            return Resource.postError(resource, code: XDG_WM_BASE_ERROR_INVALID_SURFACE_STATE.rawValue,
                                      "wl_surface@\(wl_resource_get_id(surface.resource)) already has a buffer; an xdg_surface must be created before the first attach")
        }
        XdgSurface.create(server: server, base: self, client: client, version: wl_resource_get_version(resource),
                          id: id, surface: surface)
    }
}
