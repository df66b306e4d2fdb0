import CProtocolsServer
import CWaylandServer
import Compositor

/// xdg_toplevel: a desktop window, as the compositor's `Window`. Seawall lets clients choose their size
/// (configure 0×0) unless they ask to be maximized or fullscreen — then the configure carries that state and
/// the size of the output they fill (set_fullscreen may name it) — or the pointer resizes them (configures
/// with the resizing state and the size the pointer asks for). Where the window goes and which one is active is the compositor's decision
/// (WindowManagement.swift); this file turns requests into it and sends its configures.
final class XdgToplevel: ProtocolObject, XdgRoleObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private weak var xdgSurface: XdgSurface?
    let resource: OpaquePointer
    /// The window as the compositor manages it.
    let window: ManagedWindow
    /// Its zxdg_toplevel_decoration_v1, while one exists (ZxdgToplevelDecorationV1.swift).
    weak var decoration: ZxdgToplevelDecorationV1?

    static let implementation = Implementation(xdg_toplevel_interface(
        destroy: { _, resource in
            guard let resource else { return }
            // xdg-decoration: the decoration object must go first.
            if let decoration = XdgToplevel.from(resource)?.decoration {
                return decoration.post(ZXDG_TOPLEVEL_DECORATION_V1_ERROR_ORPHANED,
                    "xdg_toplevel destroyed before its zxdg_toplevel_decoration_v1; destroy the decoration first")
            }
            wl_resource_destroy(resource)
        },
        set_parent: { _, resource, parent in
            guard let toplevel = XdgToplevel.from(resource) else { return }
            toplevel.setParent(parent)
        },
        set_title: { _, resource, title in
            guard let toplevel = XdgToplevel.from(resource), let title else { return }
            toplevel.server.compositor.setTitle(String(cString: title), of: toplevel.window)
        },
        set_app_id: { _, resource, appID in
            guard let toplevel = XdgToplevel.from(resource), let appID else { return }
            toplevel.server.compositor.setAppID(String(cString: appID), of: toplevel.window)
        },
        show_window_menu: { _, _, _, _, _, _ in },
        move: { _, resource, _, serial in
            guard let toplevel = XdgToplevel.from(resource) else { return }
            toplevel.server.compositor.startMove(of: toplevel.window, serial: serial)
            toplevel.server.display.flush()
        },
        resize: { _, resource, _, serial, edges in
            guard let toplevel = XdgToplevel.from(resource) else { return }
            guard let edges = ResizeEdges(wire: edges) else {
                return toplevel.post(XDG_TOPLEVEL_ERROR_INVALID_RESIZE_EDGE, "resize edge \(edges) is not an xdg_toplevel.resize_edge value")
            }
            toplevel.server.compositor.startResize(of: toplevel.window, edges: edges, serial: serial)
            toplevel.server.display.flush()
        },
        set_max_size: { _, resource, width, height in XdgToplevel.from(resource)?.checkSize("max", width, height) },
        set_min_size: { _, resource, width, height in XdgToplevel.from(resource)?.checkSize("min", width, height) },
        set_maximized: { _, resource in XdgToplevel.from(resource)?.request(maximized: true) },
        unset_maximized: { _, resource in XdgToplevel.from(resource)?.request(maximized: false) },
        set_fullscreen: { _, resource, output in
            // On the output the wl_output names (libwayland has checked that it is one of this client's
            // wl_outputs); null: the output the window is mostly on.
            XdgToplevel.from(resource)?.request(fullscreen: true, output: WlOutput.from(output)?.head)
        },
        unset_fullscreen: { _, resource in XdgToplevel.from(resource)?.request(fullscreen: false) },
        set_minimized: { _, resource in
            guard let toplevel = XdgToplevel.from(resource) else { return }
            toplevel.server.compositor.minimize(toplevel.window)
        }))

    static func create(server: Server, xdgSurface: XdgSurface, client: OpaquePointer, version: Int32, id: UInt32,
                       surface: WlSurface) -> XdgToplevel? {
        guard let (_, toplevel) = makeResource(client: client, version: version, id: id, {
            XdgToplevel(server: server, xdgSurface: xdgSurface, resource: $0, surface: surface)
        }) else { return nil }
        surface.roleName = "xdg_toplevel"
        server.toplevelCreated(toplevel)
        return toplevel
    }

    private init(server: Server, xdgSurface: XdgSurface, resource: OpaquePointer, surface: WlSurface) {
        self.server = server
        self.xdgSurface = xdgSurface
        self.resource = resource
        window = ManagedWindow(surface: surface.state)
        window.geometry = xdgSurface.windowGeometry
    }

    private func post(_ code: xdg_toplevel_error, _ message: String) {
        Resource.postError(resource, code: code.rawValue, message)
    }

    private func checkSize(_ which: String, _ width: Int32, _ height: Int32) {
        if width < 0 || height < 0 {
            post(XDG_TOPLEVEL_ERROR_INVALID_SIZE, "\(which) size \(width)x\(height) is negative")
        }
    }

    /// xdg_toplevel.set_parent: another xdg_toplevel of the same client (libwayland checks the interface and the
    /// client), or none. A parent that is the window itself or one of its descendants is invalid_parent.
    private func setParent(_ parentResource: OpaquePointer?) {
        let parent = parentResource.flatMap { XdgToplevel.from($0) }
        if parentResource != nil && parent == nil { return }   // a toplevel being destroyed: nothing to follow
        guard server.compositor.setParent(parent?.window, of: window) else {
            return post(XDG_TOPLEVEL_ERROR_INVALID_PARENT,
                        "set_parent would make xdg_toplevel@\(wl_resource_get_id(resource)) its own ancestor")
        }
    }

    /// Configures the client has not acked yet.
    var unackedConfigures: Int { xdgSurface?.unackedConfigures ?? 0 }

    /// A window list's close: xdg_toplevel.close.
    func sendClose() { xdg_toplevel_send_close(resource) }

    /// xdg_toplevel.set_maximized / set_fullscreen and their unset, from the client or (`byWindowList`) a
    /// window list; `output` is the output a set_fullscreen names (`OutputArea.index`).
    func request(maximized: Bool? = nil, fullscreen: Bool? = nil, output: Int? = nil, byWindowList: Bool = false) {
        guard server.compositor.request(window, maximized: maximized, fullscreen: fullscreen, output: output,
                                        byWindowList: byWindowList) else { return }
        // Before the initial commit the state simply joins the first configure.
        if xdgSurface?.hasSentInitialConfigure == true { sendConfigure() }
    }

    /// xdg_toplevel.configure (0×0 — the client picks its size — unless maximized or fullscreen, which get
    /// the size of the output they fill, with those states), configure_bounds (the logical size of the output
    /// the window is on, `Compositor.configureBounds`) and wm_capabilities where the version has them, then
    /// xdg_surface.configure with a new serial.
    func sendConfigure() {
        var states: [UInt32] = []
        if window.maximized { states.append(XDG_TOPLEVEL_STATE_MAXIMIZED.rawValue) }
        if window.activated { states.append(XDG_TOPLEVEL_STATE_ACTIVATED.rawValue) }
        if window.fullscreen { states.append(XDG_TOPLEVEL_STATE_FULLSCREEN.rawValue) }
        if window.resizing { states.append(XDG_TOPLEVEL_STATE_RESIZING.rawValue) }
        let size = server.compositor.configureSize(of: window)
        Resource.withArray(of: states) {
            xdg_toplevel_send_configure(resource, Int32(clamping: size.width), Int32(clamping: size.height), $0)
        }
        let version = wl_resource_get_version(resource)
        if version >= 4 {
            let bounds = server.compositor.configureBounds(of: window)
            xdg_toplevel_send_configure_bounds(resource, Int32(clamping: bounds.width), Int32(clamping: bounds.height))
        }
        if version >= 5 {
            Resource.withArray(of: []) { xdg_toplevel_send_wm_capabilities(resource, $0) }
        }
        xdgSurface?.sendConfigure()
    }

    /// A new configure for a state that changed outside the toplevel's requests (the decoration mode), once
    /// the initial configure is out; before, it joins the initial one.
    func sendConfigureIfInitialized() {
        if xdgSurface?.hasSentInitialConfigure == true { sendConfigure() }
    }

    func resourceDestroyed() {
        xdgSurface?.roleDestroyed()
        server.toplevelDestroyed(self)
    }
}
