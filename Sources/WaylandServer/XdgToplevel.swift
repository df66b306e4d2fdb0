import CProtocolsServer
import CWaylandServer
import Compositor

/// xdg_toplevel: a desktop window. Seawall lets clients choose their size (configure 0×0) unless they ask
/// to be maximized or fullscreen — then the configure carries that state and the output's size, and the
/// window goes to the output's corner once it commits at that size, and back where it was when it leaves
/// the state — or the pointer resizes them (xdg_toplevel.resize: configures with the resizing state and the
/// size the pointer asks for). Bounds are the output's size; new windows are placed by the documented cascade policy.
final class XdgToplevel: ResourceObject, XdgRoleObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private weak var xdgSurface: XdgSurface?
    let resource: OpaquePointer
    private(set) weak var surface: WlSurface?
    private(set) var title: String?
    private(set) var appID: String?
    private(set) var maximized = false
    /// The window is the active one (it has the keyboard focus): the last clicked, touched or mapped.
    var activated = false
    /// The window has been mapped (it was activated then).
    private var shown = false
    private(set) var fullscreen = false
    /// Where the window was before it was maximized or made fullscreen.
    private var restorePosition: (x: Int64, y: Int64)?
    /// An interactive resize is in progress (the resizing state).
    private(set) var resizing = false
    /// The size the last resize configure asked for (configures are 0×0 otherwise: the client's choice).
    private var requestedSize: (width: Int64, height: Int64)?
    /// While resizing by the left or top edge, and for the commit after: the right and bottom edges stay
    /// where they were, whatever size the client commits.
    private var resizeAnchor: (edges: ResizeEdges, right: Int64, bottom: Int64)?

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
        resize: { _, resource, _, serial, edges in
            guard let toplevel = XdgToplevel.from(resource) else { return }
            guard let edges = ResizeEdges(wire: edges) else {
                return toplevel.post(XDG_TOPLEVEL_ERROR_INVALID_RESIZE_EDGE, "resize edge \(edges) is not an xdg_toplevel.resize_edge value")
            }
            toplevel.server.seat.startResize(of: toplevel, edges: edges, serial: serial)
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

    /// The window geometry on the output (set_window_geometry's rectangle, else the whole surface).
    func windowRect() -> Rect? {
        guard let surface, let view = server.scene.view(for: surface.state) else { return nil }
        if let geometry = xdgSurface?.windowGeometry {
            return Rect(x: view.x + geometry.x, y: view.y + geometry.y, width: geometry.width, height: geometry.height)
        }
        return Rect(x: view.x, y: view.y, width: surface.state.width, height: surface.state.height)
    }

    // MARK: Interactive resize (driven by the seat's grab)

    func beginResize(edges: ResizeEdges, from start: Rect) {
        resizing = true
        resizeAnchor = (edges, start.x + start.width, start.y + start.height)
        requestedSize = (start.width, start.height)
        sendConfigure()
    }

    func resizeRequested(width: Int64, height: Int64) {
        guard requestedSize.map({ $0 != (width, height) }) ?? true else { return }
        requestedSize = (width, height)
        sendConfigure()
    }

    /// The grab ended: a last configure with the final size, without the resizing state.
    func endResize() {
        resizing = false
        sendConfigure()
        requestedSize = nil
    }

    /// After each commit with a buffer: a maximized or fullscreen window sits at the output's corner
    /// (its window geometry's corner); one that left those states goes back; one resized by its left or
    /// top edge keeps its right or bottom edge in place.
    func committed() {
        guard let surface else { return }
        if !shown {
            shown = true
            server.activate(self)   // a new window comes up active; later, a press or touch activates
        }
        let origin = xdgSurface?.geometryOrigin ?? (x: 0, y: 0)
        guard let view = server.scene.view(for: surface.state) else { return }
        if let anchor = resizeAnchor, let rect = windowRect() {
            if !resizing { resizeAnchor = nil }
            let x = anchor.edges.contains(.left) ? anchor.right - rect.width - origin.x : view.x
            let y = anchor.edges.contains(.top) ? anchor.bottom - rect.height - origin.y : view.y
            if x != view.x || y != view.y { server.place(surface.state, x: x, y: y) }
            return
        }
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
        if resizing { add(XDG_TOPLEVEL_STATE_RESIZING) }
        var size = (width: Int64(0), height: Int64(0))
        if maximized || fullscreen {
            size = (Int64(server.configuration.width), Int64(server.configuration.height))
        } else if let requestedSize {
            size = requestedSize
        }
        xdg_toplevel_send_configure(resource, Int32(clamping: size.width), Int32(clamping: size.height), &states)
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
        xdgSurface?.roleDestroyed()
        server.toplevelDestroyed(self)
    }
}
