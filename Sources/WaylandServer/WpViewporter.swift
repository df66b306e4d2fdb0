import CProtocolsServer
import CWaylandServer

/// wp_viewporter: hands out one wp_viewport per wl_surface (crop and scale, see WpViewport).
final class WpViewporter: ProtocolObject {
    private let resource: OpaquePointer

    static let implementation = Implementation(wp_viewporter_interface(
        destroy: Resource.destroyRequest,
        get_viewport: { client, resource, id, surface in
            guard let client, let viewporter = WpViewporter.from(resource) else { return }
            viewporter.getViewport(client: client, id: id, surfaceResource: surface)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { WpViewporter(resource: $0) }
    }

    private init(resource: OpaquePointer) { self.resource = resource }

    private func getViewport(client: OpaquePointer, id: UInt32, surfaceResource: OpaquePointer?) {
        guard let surface = WlSurface.from(surfaceResource) else {
            return Resource.postError(resource, code: WP_VIEWPORTER_ERROR_VIEWPORT_EXISTS.rawValue,
                                      "wp_viewporter.get_viewport: not a wl_surface Seawall made")
        }
        if surface.viewport != nil {
            return Resource.postError(resource, code: WP_VIEWPORTER_ERROR_VIEWPORT_EXISTS.rawValue,
                                      "wl_surface@\(wl_resource_get_id(surface.resource)) already has a wp_viewport")
        }
        WpViewport.create(client: client, version: wl_resource_get_version(resource), id: id, surface: surface)
    }
}
