import CProtocolsServer
import CWaylandServer
import Compositor

/// xdg_toplevel: a desktop window. Seawall lets clients choose their size (configure 0×0) unless they ask
/// to be maximized or fullscreen — then the configure carries that state and the output's size, and the
/// window goes to the output's corner once it commits at that size, and back where it was when it leaves
/// the state. Bounds are the output's size; new windows are placed by the documented cascade policy.
final class XdgToplevel: ResourceObject, XdgRoleObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private weak var xdgSurface: XdgSurface?
    let resource: OpaquePointer
    private(set) weak var surface: WlSurface?
    private(set) var title: String?
    private(set) var appID: String?
    private(set) var maximized = false
    /// The window has the (conceptual) keyboard focus: the most recently mapped toplevel.
    var activated = false
    private(set) var fullscreen = false
    /// Where the window was before it was maximized or made fullscreen.
    private var restorePosition: (x: Int64, y: Int64)?

    static let implementation = Implementation(xdg_toplevel_interface(
        destroy: Resource.destroyRequest,
        set_parent: { _, _, _ in },
        set_title: { _, resource, title in
            guard let toplevel = XdgToplevel.from(resource), let title else { return }
            toplevel.title = String(cString: title)
        },
        set_app_id: { _, resource, appID in
            guard let toplevel = XdgToplevel.from(resource), let appID else { return }
            toplevel.appID = String(cString: appID)
        },
        show_window_menu: { _, _, _, _, _, _ in },
        move: { _, resource, _, serial in
            guard let toplevel = XdgToplevel.from(resource), let surface = toplevel.surface else { return }
            toplevel.server.seat.startMove(of: surface.state, serial: serial)
        },
        resize: { _, resource, _, _, edges in
            guard let toplevel = XdgToplevel.from(resource) else { return }
            // Seawall has no pointer, so there is never a grab to honour; the edge value is still checked.
            let valid = [0, 1, 2, 4, 5, 6, 8, 9, 10] as [UInt32]
            if !valid.contains(edges) {
                toplevel.post(XDG_TOPLEVEL_ERROR_INVALID_RESIZE_EDGE, "resize edge \(edges) is not an xdg_toplevel.resize_edge value")
            }
        },
        set_max_size: { _, resource, width, height in XdgToplevel.from(resource)?.checkSize("max", width, height) },
        set_min_size: { _, resource, width, height in XdgToplevel.from(resource)?.checkSize("min", width, height) },
        set_maximized: { _, resource in XdgToplevel.from(resource)?.request(maximized: true) },
        unset_maximized: { _, resource in XdgToplevel.from(resource)?.request(maximized: false) },
        set_fullscreen: { _, resource, _ in XdgToplevel.from(resource)?.request(fullscreen: true) },
        unset_fullscreen: { _, resource in XdgToplevel.from(resource)?.request(fullscreen: false) },
        set_minimized: { _, _ in }))

    static func from(_ resource: OpaquePointer?) -> XdgToplevel? {
        Resource.object(resource, XdgToplevel.self, interface: Interfaces.xdgToplevel, implementation: implementation)
    }

    static func create(server: Server, xdgSurface: XdgSurface, client: OpaquePointer, version: Int32, id: UInt32,
                       surface: WlSurface) -> XdgToplevel? {
        guard let resource = Resource.create(client: client, interface: Interfaces.xdgToplevel, version: version, id: id)
        else { return nil }
        let toplevel = XdgToplevel(server: server, xdgSurface: xdgSurface, resource: resource, surface: surface)
        Resource.bind(resource, implementation: implementation, object: toplevel)
        surface.roleName = "xdg_toplevel"
        server.toplevelCreated(toplevel)
        return toplevel
    }

    private init(server: Server, xdgSurface: XdgSurface, resource: OpaquePointer, surface: WlSurface) {
        self.server = server
        self.xdgSurface = xdgSurface
        self.resource = resource
        self.surface = surface
    }

    private func post(_ code: xdg_toplevel_error, _ message: String) {
        Resource.postError(resource, code: code.rawValue, message)
    }

    private func checkSize(_ which: String, _ width: Int32, _ height: Int32) {
        if width < 0 || height < 0 {
            post(XDG_TOPLEVEL_ERROR_INVALID_SIZE, "\(which) size \(width)x\(height) is negative")
        }
    }

    private func request(maximized: Bool? = nil, fullscreen: Bool? = nil) {
        let before = (self.maximized, self.fullscreen)
        if let maximized { self.maximized = maximized }
        if let fullscreen { self.fullscreen = fullscreen }
        guard before != (self.maximized, self.fullscreen) else { return }
        // Before the initial commit the state simply joins the first configure.
        if xdgSurface?.hasSentInitialConfigure == true { sendConfigure() }
    }

    /// After each commit with a buffer: a maximized or fullscreen window sits at the output's corner
    /// (its window geometry's corner); one that left those states goes back.
    func committed() {
        guard let surface else { return }
        if !activated { server.activate(self) }
        let origin = xdgSurface?.geometryOrigin ?? (x: 0, y: 0)
        guard let view = server.scene.view(for: surface.state) else { return }
        if maximized || fullscreen {
            if restorePosition == nil { restorePosition = (view.x, view.y) }
            if view.x != -origin.x || view.y != -origin.y { server.place(surface.state, x: -origin.x, y: -origin.y) }
        } else if let back = restorePosition {
            restorePosition = nil
            server.place(surface.state, x: back.x, y: back.y)
        }
    }

    /// xdg_toplevel.configure (0×0 — the client picks its size — unless maximized or fullscreen, which get
    /// the output's size, with those states), configure_bounds and wm_capabilities where the version has
    /// them, then xdg_surface.configure with a new serial.
    func sendConfigure() {
        var states = wl_array()
        wl_array_init(&states)
        func add(_ state: xdg_toplevel_state) {
            if let slot = wl_array_add(&states, MemoryLayout<UInt32>.size) {
                slot.storeBytes(of: state.rawValue, as: UInt32.self)
            }
        }
        if maximized { add(XDG_TOPLEVEL_STATE_MAXIMIZED) }
        if activated { add(XDG_TOPLEVEL_STATE_ACTIVATED) }
        if fullscreen { add(XDG_TOPLEVEL_STATE_FULLSCREEN) }
        let filled = maximized || fullscreen
        xdg_toplevel_send_configure(resource, filled ? Int32(clamping: server.configuration.width) : 0,
                                    filled ? Int32(clamping: server.configuration.height) : 0, &states)
        wl_array_release(&states)
        let version = wl_resource_get_version(resource)
        if version >= 4 {
            xdg_toplevel_send_configure_bounds(resource, Int32(clamping: server.configuration.width),
                                               Int32(clamping: server.configuration.height))
        }
        if version >= 5 {
            var capabilities = wl_array()
            wl_array_init(&capabilities)
            xdg_toplevel_send_wm_capabilities(resource, &capabilities)
            wl_array_release(&capabilities)
        }
        xdgSurface?.sendConfigure()
    }

    func resourceDestroyed() {
        if server.activeToplevel === self { server.activeToplevel = nil }
        xdgSurface?.roleDestroyed()
        server.toplevelDestroyed(self)
    }
}
