import CProtocolsServer
import Compositor

/// xdg_toplevel.resize_edge as a set: which edges of the window follow the pointer.
struct ResizeEdges: OptionSet {
    let rawValue: UInt32
    static let top = ResizeEdges(rawValue: 1)
    static let bottom = ResizeEdges(rawValue: 2)
    static let left = ResizeEdges(rawValue: 4)
    static let right = ResizeEdges(rawValue: 8)

    /// The protocol's nine values (none, one edge, or two adjacent edges); anything else is a protocol error.
    init?(wire: UInt32) {
        guard [0, 1, 2, 4, 5, 6, 8, 9, 10].contains(wire) else { return nil }
        rawValue = wire
    }

    init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// An interactive move or resize (xdg_toplevel.move / resize), which lasts while the button pressed on the
/// window stays down. The window's client does not see the pointer meanwhile.
enum WindowGrab {
    /// The window follows the pointer, keeping the pointer's offset from its position.
    case move(window: Surface, dx: Double, dy: Double)
    /// The edges follow the pointer: the window's size is `start` grown by the pointer's travel since
    /// (`pointerX`, `pointerY`), sent to the client as configures with the resizing state.
    case resize(toplevel: XdgToplevel, edges: ResizeEdges, start: Rect, pointerX: Double, pointerY: Double)

    /// The window the grab acts on.
    var window: Surface? {
        switch self {
        case .move(let window, _, _): return window
        case .resize(let toplevel, _, _, _, _): return toplevel.surface?.state
        }
    }

    /// Whether the grab acts on `toplevel`'s window.
    func acts(on toplevel: XdgToplevel) -> Bool {
        switch self {
        case .move(let window, _, _): return window === toplevel.surface?.state
        case .resize(let resized, _, _, _, _): return resized === toplevel
        }
    }

    func pointerMoved(toX x: Double, y: Double, server: Server) {
        switch self {
        case .move(let window, let dx, let dy):
            server.place(window, x: Int64((x - dx).rounded(.down)), y: Int64((y - dy).rounded(.down)))
        case .resize(let toplevel, let edges, let start, let pointerX, let pointerY):
            let dx = Int64((x - pointerX).rounded(.down)), dy = Int64((y - pointerY).rounded(.down))
            var width = start.width, height = start.height
            if edges.contains(.left) { width -= dx } else if edges.contains(.right) { width += dx }
            if edges.contains(.top) { height -= dy } else if edges.contains(.bottom) { height += dy }
            toplevel.resizeRequested(width: max(1, width), height: max(1, height))
        }
    }

    func ended(server: Server) {
        if case .resize(let toplevel, _, _, _, _) = self { toplevel.endResize() }
    }
}
