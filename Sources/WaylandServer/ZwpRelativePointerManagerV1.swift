import CProtocolsServer
import CWaylandServer

/// zwp_relative_pointer_manager_v1: hands out zwp_relative_pointer_v1 objects for a client's wl_pointer.
final class ZwpRelativePointerManagerV1: ProtocolObject {
    private unowned(unsafe) let server: Server   // see Server.deinit

    static let implementation = Implementation(zwp_relative_pointer_manager_v1_interface(
        destroy: Resource.destroyRequest,
        get_relative_pointer: { client, resource, id, pointer in
            guard let client, let manager = ZwpRelativePointerManagerV1.from(resource) else { return }
            guard let wlPointer = WlPointer.from(pointer) else {
                return manager.server.postImplementationError(
                    client: client, "zwp_relative_pointer_manager_v1.get_relative_pointer: not a wl_pointer Seawall made")
            }
            ZwpRelativePointerV1.create(seat: manager.server.seat, client: client, version: wl_resource_get_version(resource),
                                        id: id, pointer: wlPointer)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in ZwpRelativePointerManagerV1(server: server) }
    }

    private init(server: Server) { self.server = server }
}
