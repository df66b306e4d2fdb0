import Compositor
import CProtocolsServer
import CWaylandServer

/// wp_viewport: a surface's crop (set_source) and scale (set_destination), double-buffered with the
/// surface's other state. The object keeps the whole state as last requested and hands it to the surface's
/// pending state on every change, so a commit applies exactly what was asked last. The checks against the
/// buffer (bad_size, out_of_buffer) happen at wl_surface.commit (`Surface.viewportError`).
final class WpViewport: ProtocolObject {
    let resource: OpaquePointer
    /// nil once the wl_surface is destroyed: requests then fail with no_surface.
    private weak var surface: WlSurface?
    private var requested = Viewport()

    static let implementation = Implementation(wp_viewport_interface(
        destroy: Resource.destroyRequest,
        set_source: { _, resource, x, y, width, height in
            WpViewport.from(resource)?.setSource(x: x, y: y, width: width, height: height)
        },
        set_destination: { _, resource, width, height in
            WpViewport.from(resource)?.setDestination(width: width, height: height)
        }))

    static func create(client: OpaquePointer, version: Int32, id: UInt32, surface: WlSurface) {
        guard let (_, viewport) = makeResource(client: client, version: version, id: id, {
            WpViewport(resource: $0, surface: surface)
        }) else { return }
        surface.viewport = viewport
    }

    private init(resource: OpaquePointer, surface: WlSurface) {
        self.resource = resource
        self.surface = surface
    }

    /// wl_fixed -1.0.
    private static let unset: Int32 = -256

    private func setSource(x: Int32, y: Int32, width: Int32, height: Int32) {
        guard let surface else { return post(WP_VIEWPORT_ERROR_NO_SURFACE, "set_source: the wl_surface was destroyed") }
        if x == Self.unset && y == Self.unset && width == Self.unset && height == Self.unset {
            requested.source = nil
        } else if x < 0 || y < 0 || width <= 0 || height <= 0 {
            return post(WP_VIEWPORT_ERROR_BAD_VALUE,
                        "set_source(\(Double(x) / 256), \(Double(y) / 256), \(Double(width) / 256), \(Double(height) / 256)): the origin must not be negative and the size must be positive (all -1 unsets)")
        } else {
            requested.source = Viewport.Source(x: x, y: y, width: width, height: height)
        }
        surface.state.pending.viewport = requested
    }

    private func setDestination(width: Int32, height: Int32) {
        guard let surface else { return post(WP_VIEWPORT_ERROR_NO_SURFACE, "set_destination: the wl_surface was destroyed") }
        if width == -1 && height == -1 {
            requested.destination = nil
        } else if width <= 0 || height <= 0 {
            return post(WP_VIEWPORT_ERROR_BAD_VALUE,
                        "set_destination(\(width), \(height)): the size must be positive (both -1 unsets)")
        } else {
            requested.destination = (width, height)
        }
        surface.state.pending.viewport = requested
    }

    /// The error a commit raised, posted on this object.
    func post(_ error: ViewportError) {
        switch error {
        case .badSize(let message): post(WP_VIEWPORT_ERROR_BAD_SIZE, message)
        case .outOfBuffer(let message): post(WP_VIEWPORT_ERROR_OUT_OF_BUFFER, message)
        }
    }

    private func post(_ code: wp_viewport_error, _ message: String) {
        Resource.postError(resource, code: code.rawValue, message)
    }

    /// The wl_surface is gone: later requests fail with no_surface.
    func surfaceDestroyed() { surface = nil }

    /// The viewport is removed with the surface's next commit.
    func resourceDestroyed() {
        guard let surface else { return }
        surface.state.pending.viewport = Viewport()
        if surface.viewport === self { surface.viewport = nil }
    }
}
