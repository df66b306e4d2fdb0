import CProtocolsServer
import CWaylandServer

/// wp_fractional_scale_manager_v1: hands out one wp_fractional_scale_v1 per wl_surface, through which the
/// surface is told the scale to draw at (see WpFractionalScaleV1).
final class WpFractionalScaleManagerV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit
    private let resource: OpaquePointer

    static let implementation = Implementation(wp_fractional_scale_manager_v1_interface(
        destroy: Resource.destroyRequest,
        get_fractional_scale: { client, resource, id, surface in
            guard let client, let manager = WpFractionalScaleManagerV1.from(resource) else { return }
            manager.getFractionalScale(client: client, id: id, surfaceResource: surface)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) {
            WpFractionalScaleManagerV1(server: server, resource: $0)
        }
    }

    private init(server: Server, resource: OpaquePointer) {
        self.server = server
        self.resource = resource
    }

    private func getFractionalScale(client: OpaquePointer, id: UInt32, surfaceResource: OpaquePointer?) {
        let code = WP_FRACTIONAL_SCALE_MANAGER_V1_ERROR_FRACTIONAL_SCALE_EXISTS.rawValue
        guard let surface = WlSurface.from(surfaceResource) else {
            // The protocol has no other error; libwayland already checked the object's interface.
            return Resource.postError(resource, code: code, "get_fractional_scale: not a wl_surface Seawall made")
        }
        if surface.fractionalScale != nil {
            return Resource.postError(resource, code: code,
                                      "wl_surface@\(wl_resource_get_id(surface.resource)) already has a wp_fractional_scale_v1")
        }
        WpFractionalScaleV1.create(server: server, client: client, version: wl_resource_get_version(resource), id: id,
                                   surface: surface)
    }
}
