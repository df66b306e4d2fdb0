import CWaylandServer

/// wl_compositor: makes surfaces and regions. Advertised at version 5 (damage_buffer, offset).
final class WlCompositor: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit

    static let implementation = Implementation(wl_compositor_interface(
        create_surface: { client, resource, id in
            guard let client, let resource, let compositor = WlCompositor.from(resource) else { return }
            WlSurface.create(server: compositor.server, client: client, version: wl_resource_get_version(resource), id: id)
        },
        create_region: { client, resource, id in
            guard let client, let resource else { return }
            WlRegion.create(client: client, version: wl_resource_get_version(resource), id: id)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in WlCompositor(server: server) }
    }

    private init(server: Server) { self.server = server }
}
