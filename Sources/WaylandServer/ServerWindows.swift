import Compositor
import CWaylandServer

/// What tests and conformance harnesses see of the windows, and how they place and raise them. The
/// decisions are the compositor's; this names surfaces by a client's object ids.
extension Server {
    /// A mapped-or-not xdg_toplevel as the window manager sees it.
    public struct Window {
        public let title: String?
        public let appID: String?
        public let surface: Surface
        public let mapped: Bool
        public let x: Int64
        public let y: Int64
        /// xdg_toplevel's activated state: the window last clicked, touched or mapped.
        public let activated: Bool
        public let maximized: Bool
        public let fullscreen: Bool
        /// Minimized (hidden until activated; Compositor/WindowList.swift).
        public let minimized: Bool
        /// The window geometry on the output (xdg_surface.set_window_geometry, else the whole surface).
        public let geometry: Rect?
        /// The client's process id (SO_PEERCRED of its connection; 0 if unknown).
        public let pid: Int32
        /// The compositor's window.
        public let window: ManagedWindow
    }

    /// Every toplevel whose wl_surface lives, in the order their roles were made.
    public var windows: [Window] {
        compositor.windows.compactMap { (window: ManagedWindow) in
            guard let surface = window.surface else { return nil }
            let view = scene.view(for: surface)
            return Window(title: window.title, appID: window.appID, surface: surface,
                          mapped: view?.mapped ?? false, x: view?.x ?? 0, y: view?.y ?? 0,
                          activated: window.activated, maximized: window.maximized, fullscreen: window.fullscreen,
                          minimized: window.minimized,
                          geometry: compositor.windowRect(window), pid: clientPID(of: window), window: window)
        }
    }

    /// The process id of the client behind `window` (`wl_client_get_credentials`), 0 if unknown.
    func clientPID(of window: ManagedWindow) -> Int32 {
        guard let resource = toplevels[window]?.resource, let client = wl_resource_get_client(resource) else { return 0 }
        var pid: pid_t = 0, uid: uid_t = 0, gid: gid_t = 0
        wl_client_get_credentials(client, &pid, &uid, &gid)
        return pid
    }

    /// Where a surface's top-left corner is on the output: its tree's window position plus its offset in
    /// the tree ((0, 0) for a surface whose tree is not a window).
    public func outputPosition(of surface: Surface) -> (x: Int64, y: Int64) { compositor.outputPosition(of: surface) }

    /// The surface a client knows by object id `id` (`wl_client_get_object`), if it is a wl_surface Seawall made.
    public func surface(client: OpaquePointer, id: UInt32) -> Surface? {
        guard let resource = wl_client_get_object(client, id) else { return nil }
        return WlSurface.from(resource)?.state
    }

    /// Places a window so that its window geometry (xdg_surface.set_window_geometry; the whole surface if
    /// unset) starts at output coordinates (x, y).
    public func placeWindow(_ surface: Surface, x: Int64, y: Int64) { compositor.placeWindow(surface, x: x, y: y) }

    /// Places a surface at output coordinates (x, y); it is damaged at its old and new place.
    public func place(_ surface: Surface, x: Int64, y: Int64) { compositor.place(surface, x: x, y: y) }

    /// Moves a surface to the top of the stack.
    public func raise(_ surface: Surface) { compositor.raise(surface) }
}
