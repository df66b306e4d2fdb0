import CProtocolsServer
import CWaylandServer
import Compositor

/// The object that gives an xdg_surface its role: xdg_toplevel or xdg_popup.
protocol XdgRoleObject: AnyObject {
    /// The role's configure event(s), followed by xdg_surface.configure.
    func sendConfigure()
}

/// xdg_surface: the configure → ack_configure → commit handshake shared by toplevels and popups.
///
/// A surface may not show a buffer before it has acked a configure; the first commit after getting its
/// role (without a buffer) makes Seawall send one. Unmapping (committing no buffer) starts the cycle again.
final class XdgSurface: ProtocolObject, SurfaceRoleHandler {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private weak var base: XdgWmBase?
    let resource: OpaquePointer
    private(set) weak var surface: WlSurface?
    /// The role object (xdg_toplevel or xdg_popup), while it lives.
    private(set) var role: XdgRoleObject?
    var toplevel: XdgToplevel? { role as? XdgToplevel }
    var popup: XdgPopup? { role as? XdgPopup }
    /// Whether the role object was ever created (an xdg_surface gets one for life).
    private var constructed = false
    /// Serials sent and not yet acked, oldest first.
    private var pendingSerials = ConfigureSerials()
    /// A configure has been acked since the last (re)start of the cycle.
    private var configured = false
    /// The initial configure has been sent for this cycle.
    private var initialConfigureSent = false
    /// The last commit showed a buffer (a commit without one then unmaps and restarts the cycle).
    private var mapped = false
    /// set_window_geometry's rectangle (a toplevel's window shares it with the compositor).
    private(set) var windowGeometry: Rect? {
        didSet { toplevel?.window.geometry = windowGeometry }
    }

    static let implementation = Implementation(xdg_surface_interface(
        destroy: { _, resource in
            guard let resource else { return }
            if let xdg = XdgSurface.from(resource), xdg.role != nil {
                return Resource.postError(resource, code: XDG_SURFACE_ERROR_DEFUNCT_ROLE_OBJECT.rawValue,
                                          "xdg_surface destroyed before its \(xdg.toplevel != nil ? "xdg_toplevel" : "xdg_popup")")
            }
            wl_resource_destroy(resource)
        },
        get_toplevel: { client, resource, id in
            guard let client, let xdg = XdgSurface.from(resource) else { return }
            xdg.getToplevel(client: client, id: id)
        },
        get_popup: { client, resource, id, parent, positioner in
            guard let client, let xdg = XdgSurface.from(resource) else { return }
            xdg.getPopup(client: client, id: id, parentResource: parent, positionerResource: positioner)
        },
        set_window_geometry: { _, resource, x, y, width, height in
            guard let xdg = XdgSurface.from(resource) else { return }
            guard width > 0, height > 0 else {
                return xdg.post(XDG_SURFACE_ERROR_INVALID_SIZE, "window geometry \(width)x\(height) is not positive")
            }
            xdg.windowGeometry = Rect.wire(x, y, width, height)
        },
        ack_configure: { _, resource, serial in XdgSurface.from(resource)?.ackConfigure(serial) }))

    static func create(server: Server, base: XdgWmBase, client: OpaquePointer, version: Int32, id: UInt32,
                       surface: WlSurface) {
        guard let (_, xdg) = makeResource(client: client, version: version, id: id, {
            XdgSurface(server: server, base: base, resource: $0, surface: surface)
        }) else { return }
        surface.roleHandler = xdg
        surface.roleName = "xdg_surface"
        base.liveSurfaces += 1
    }

    private init(server: Server, base: XdgWmBase, resource: OpaquePointer, surface: WlSurface) {
        self.server = server
        self.base = base
        self.resource = resource
        self.surface = surface
    }

    private func post(_ code: xdg_surface_error, _ message: String) {
        Resource.postError(resource, code: code.rawValue, message)
    }

    private func getToplevel(client: OpaquePointer, id: UInt32) {
        guard !constructed else {
            return post(XDG_SURFACE_ERROR_ALREADY_CONSTRUCTED, "this xdg_surface already has a role object")
        }
        guard let surface else {
            return server.postImplementationError(client: client, "xdg_surface.get_toplevel: its wl_surface is gone")
        }
        constructed = true
        role = XdgToplevel.create(server: server, xdgSurface: self, client: client,
                                  version: wl_resource_get_version(resource), id: id, surface: surface)
        configureEagerlyIfAsked()
    }

    private func getPopup(client: OpaquePointer, id: UInt32, parentResource: OpaquePointer?,
                          positionerResource: OpaquePointer?) {
        guard !constructed else {
            return post(XDG_SURFACE_ERROR_ALREADY_CONSTRUCTED, "this xdg_surface already has a role object")
        }
        guard let surface, let base else {
            return server.postImplementationError(client: client, "xdg_surface.get_popup: its wl_surface is gone")
        }
        // A null parent is allowed: another protocol gives the parent before the initial commit
        // (zwlr_layer_surface_v1.get_popup); the commit refuses a popup still without one.
        let parent = XdgSurface.from(parentResource)
        if parentResource != nil && (parent?.surface == nil || parent?.role == nil) {
            return Resource.postError(base.resource, code: XDG_WM_BASE_ERROR_INVALID_POPUP_PARENT.rawValue,
                                      "get_popup needs a parent xdg_surface with a role, or a null parent")
        }
        guard let positioner = XdgPositioner.from(positionerResource)?.rules, positioner.isComplete else {
            return Resource.postError(base.resource, code: XDG_WM_BASE_ERROR_INVALID_POSITIONER.rawValue,
                                      "get_popup with an incomplete xdg_positioner: set_size and set_anchor_rect are required")
        }
        constructed = true
        role = XdgPopup.create(server: server, xdgSurface: self, parent: parent, parentSurface: parent?.surface,
                               client: client, version: wl_resource_get_version(resource), id: id, surface: surface,
                               positioner: positioner)
        configureEagerlyIfAsked()
    }

    /// With allowBufferBeforeFirstConfigure (WLCS), the first configure goes out as soon as the role exists,
    /// as WLCS's helpers (which attach before any commit) expect.
    func configureEagerlyIfAsked() {
        guard server.configuration.allowBufferBeforeFirstConfigure, let role, !initialConfigureSent else { return }
        if let popup = role as? XdgPopup, !popup.hasParent { return }   // configured once it has a parent
        initialConfigureSent = true
        role.sendConfigure()
    }

    /// Where the window's content starts inside the surface (set_window_geometry), (0, 0) if unset.
    var geometryOrigin: (x: Int64, y: Int64) { windowGeometry.map { ($0.x, $0.y) } ?? (0, 0) }

    /// Configures sent and not acked yet.
    var unackedConfigures: Int { pendingSerials.count }

    private func ackConfigure(_ serial: UInt32) {
        guard pendingSerials.ack(serial) else {
            return post(XDG_SURFACE_ERROR_INVALID_SERIAL, "ack_configure with serial \(serial), which Seawall never sent or was already acked")
        }
        configured = true
    }

    /// Sends xdg_surface.configure after the role's own configure event; returns the serial.
    @discardableResult
    func sendConfigure() -> UInt32 {
        let serial = server.nextSerial()
        pendingSerials.sent(serial)   // bounded, however many go unacked
        xdg_surface_send_configure(resource, serial)
        return serial
    }

    /// The role object went away (the role tells the compositor, and the surface unmaps). An xdg_surface
    /// gets one role object for life, so it stays unmapped until it is destroyed.
    func roleDestroyed() {
        role = nil
    }

    // MARK: SurfaceRoleHandler

    func willCommit(_ surface: WlSurface) -> Bool {
        guard constructed else {
            post(XDG_SURFACE_ERROR_NOT_CONSTRUCTED, "commit on an xdg_surface with no role object (get_toplevel first)")
            return false
        }
        if let popup, !popup.hasParent {
            if let base {
                Resource.postError(base.resource, code: XDG_WM_BASE_ERROR_INVALID_POPUP_PARENT.rawValue,
                                   "commit on an xdg_popup made with a null parent that was never given one (zwlr_layer_surface_v1.get_popup)")
            } else {
                post(XDG_SURFACE_ERROR_NOT_CONSTRUCTED, "commit on an xdg_popup without a parent")
            }
            return false
        }
        if surface.state.pending.buffer.isAttach && !configured && !server.configuration.allowBufferBeforeFirstConfigure {
            post(XDG_SURFACE_ERROR_UNCONFIGURED_BUFFER, "buffer attached before the first configure was acked")
            return false
        }
        return true
    }

    /// Whether this cycle's initial configure went out (later state changes then need their own configure).
    var hasSentInitialConfigure: Bool { initialConfigureSent || configured }

    func didCommit(_ surface: WlSurface, effect: Surface.CommitEffect) {
        guard let role else { return }
        if effect.hasBuffer && !initialConfigureSent && !configured {
            // Only reachable with allowBufferBeforeFirstConfigure: the buffer-first commit still gets its
            // initial configure (strict mode refused that commit in willCommit).
            initialConfigureSent = true
            role.sendConfigure()
        }
        defer { mapped = effect.hasBuffer }
        if !effect.hasBuffer {
            // Unmapped: the cycle restarts with a fresh initial configure. A surface never mapped keeps its
            // cycle (a buffer-less commit after an ack, as when a client answers a configure before it has
            // content, must not void configures still in flight).
            if configured && mapped {
                configured = false
                pendingSerials.removeAll()
                role.sendConfigure()
            } else if !initialConfigureSent {
                initialConfigureSent = true
                role.sendConfigure()
            }
        }
    }

    func surfaceDestroyed() {
        surface = nil
    }

    func resourceDestroyed() {
        base?.liveSurfaces -= 1
        if let surface, surface.roleHandler === self { surface.roleHandler = nil }
    }
}
