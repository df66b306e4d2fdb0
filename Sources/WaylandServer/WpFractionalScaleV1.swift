import Compositor
import CProtocolsServer
import CWaylandServer

/// wp_fractional_scale_v1: tells one surface the scale to draw at, in 1/120 (`preferred_scale`). Seawall's
/// one output has a fixed scale, so the event is sent once, when the object is made (before the client's
/// first buffer, so that it can be drawn at the right size), and never again. The surface keeps a weak
/// reference so that a second object for it is refused while this one lives.
final class WpFractionalScaleV1: ProtocolObject {
    let resource: OpaquePointer
    private weak var surface: WlSurface?

    static let implementation = Implementation(wp_fractional_scale_v1_interface(destroy: Resource.destroyRequest))

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32, surface: WlSurface) {
        guard let (resource, object) = makeResource(client: client, version: version, id: id, {
            WpFractionalScaleV1(resource: $0, surface: surface)
        }) else { return }
        surface.fractionalScale = object
        wp_fractional_scale_v1_send_preferred_scale(resource, UInt32(server.configuration.outputScale.numerator))
    }

    private init(resource: OpaquePointer, surface: WlSurface) {
        self.resource = resource
        self.surface = surface
    }

    /// The wl_surface may go first: the object then stays, inert (it has no request but destroy).
    func resourceDestroyed() {
        if let surface, surface.fractionalScale === self { surface.fractionalScale = nil }
    }
}
