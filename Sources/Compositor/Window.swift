/// xdg_toplevel.resize_edge as a set: which edges of the window follow the pointer.
public struct ResizeEdges: OptionSet, Sendable {
    public let rawValue: UInt32
    public static let top = ResizeEdges(rawValue: 1)
    public static let bottom = ResizeEdges(rawValue: 2)
    public static let left = ResizeEdges(rawValue: 4)
    public static let right = ResizeEdges(rawValue: 8)

    /// The protocol's nine values (none, one edge, or two adjacent edges); anything else is a protocol error.
    public init?(wire: UInt32) {
        guard [0, 1, 2, 4, 5, 6, 8, 9, 10].contains(wire) else { return nil }
        rawValue = wire
    }

    public init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// A toplevel window as the window manager sees it: its surface, what its client asked for (title, app id,
/// maximized, fullscreen, window geometry) and what the compositor decided (activated, resizing, the size a
/// configure asks for, where to go back to). The protocol layer sends `Compositor.configure(_:)`'s view of it.
public final class Window {
    /// The window's (root) surface; nil once its wl_surface is destroyed.
    public internal(set) var surface: Surface?
    public var title: String?
    public var appID: String?
    /// The window's content inside the surface (xdg_surface.set_window_geometry); nil: the whole surface.
    public var geometry: Rect?
    public internal(set) var maximized = false
    public internal(set) var fullscreen = false
    /// The output a maximized or fullscreen window fills (`OutputArea.index`): the one asked for
    /// (xdg_toplevel.set_fullscreen's output), else the one it was mostly on, else the one new windows go on.
    public internal(set) var output: Int?
    /// The window is the active one (it has the keyboard focus): the last clicked, touched or mapped.
    public internal(set) var activated = false
    /// An interactive resize is in progress (the resizing state).
    public internal(set) var resizing = false
    /// Minimized (xdg_toplevel.set_minimized or a window list's request): hidden from the output until it is
    /// activated, maximized, made fullscreen or unminimized (WindowList.swift).
    public internal(set) var minimized = false
    /// The window it belongs to (xdg_toplevel.set_parent), while that window's role lives.
    public internal(set) weak var parent: Window?
    /// The window has been mapped (it was activated then).
    var shown = false
    /// Where the window was before it was maximized or made fullscreen.
    var restorePosition: (x: Int64, y: Int64)?
    /// The size the last resize configure asked for (configures are 0×0 otherwise: the client's choice).
    var requestedSize: (width: Int64, height: Int64)?
    /// While resizing by the left or top edge, and for the commit after: the right and bottom edges stay
    /// where they were, whatever size the client commits.
    var resizeAnchor: (edges: ResizeEdges, right: Int64, bottom: Int64)?

    public init(surface: Surface) { self.surface = surface }

    /// Where the window's content starts inside the surface, (0, 0) if no window geometry is set.
    public var geometryOrigin: (x: Int64, y: Int64) { geometry.map { ($0.x, $0.y) } ?? (0, 0) }
}

/// An interactive move or resize (xdg_toplevel.move / resize), which lasts while the button pressed on the
/// window stays down. The window's client does not see the pointer meanwhile.
enum WindowGrab {
    /// The window follows the pointer, keeping the pointer's offset from its position.
    case move(window: Surface, dx: Double, dy: Double)
    /// The edges follow the pointer: the window's size is `start` grown by the pointer's travel since
    /// (`pointerX`, `pointerY`), sent to the client as configures with the resizing state.
    case resize(window: Window, edges: ResizeEdges, start: Rect, pointerX: Double, pointerY: Double)

    /// The surface the grab acts on.
    var surface: Surface? {
        switch self {
        case .move(let window, _, _): return window
        case .resize(let window, _, _, _, _): return window.surface
        }
    }

    /// Whether the grab acts on `window`.
    func acts(on window: Window) -> Bool {
        switch self {
        case .move(let surface, _, _): return surface === window.surface
        case .resize(let resized, _, _, _, _): return resized === window
        }
    }
}
