import Compositor
import CProtocolsServer
import CWaylandServer

/// wp_fractional_scale_v1: tells one surface the scale to draw at, in 1/120 (`preferred_scale`): the largest
/// scale of the outputs the surface is on, and before it is on any, the scale of the output new windows open
/// on (`Compositor.preferredScale`). Sent when the object is made (before the client's first buffer, so that
/// it can be drawn at the right size) and again whenever that scale changes as the surface enters and leaves
/// outputs (`Server.surface(_:output:isOn:)`). The surface keeps a weak reference so that a second object for
/// it is refused while this one lives.
final class WpFractionalScaleV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer
    private weak var surface: WlSurface?
    /// The scale the last preferred_scale said.
    private var sent: OutputScale?

    static let implementation = Implementation(wp_fractional_scale_v1_interface(destroy: Resource.destroyRequest))

    static func create(server: Server, client: OpaquePointer, version: Int32, id: UInt32, surface: WlSurface) {
        guard let (_, object) = makeResource(client: client, version: version, id: id, {
            WpFractionalScaleV1(server: server, resource: $0, surface: surface)
        }) else { return }
        surface.fractionalScale = object
        object.update()
    }

    private init(server: Server, resource: OpaquePointer, surface: WlSurface) {
        self.server = server
        self.resource = resource
        self.surface = surface
    }

    /// preferred_scale, if the scale the surface should draw at is not the one it was last told.
    func update() {
        guard let surface else { return }
        let scale = server.compositor.preferredScale(of: surface.state, previous: sent)
        guard scale != sent else { return }
        sent = scale
        wp_fractional_scale_v1_send_preferred_scale(resource, UInt32(scale.numerator))
    }

    /// The wl_surface may go first: the object then stays, inert (it has no request but destroy).
    func resourceDestroyed() {
        if let surface, surface.fractionalScale === self { surface.fractionalScale = nil }
    }
}
