import CProtocolsServer
import CWaylandServer

/// zwp_primary_selection_device_manager_v1: makes primary selection sources and devices, the protocol behind
/// middle-click paste (GTK, Qt, foot). The primary selection follows the clipboard's rules and limits
/// (`Compositor.setSelection` with `.primary`, `SelectionSource`).
final class ZwpPrimarySelectionDeviceManagerV1: ProtocolObject {
    static let implementation = Implementation(zwp_primary_selection_device_manager_v1_interface(
        create_source: { client, resource, id in
            guard let client, let resource, let manager = ZwpPrimarySelectionDeviceManagerV1.from(resource) else { return }
            ZwpPrimarySelectionSourceV1.create(server: manager.server, client: client, version: wl_resource_get_version(resource),
                                               id: id, kind: .primary)
        },
        get_device: { client, resource, id, _ in
            guard let client, let resource, let manager = ZwpPrimarySelectionDeviceManagerV1.from(resource) else { return }
            ZwpPrimarySelectionDeviceV1.create(seat: manager.server.seat, client: client, version: wl_resource_get_version(resource), id: id)
        },
        destroy: Resource.destroyRequest))

    private unowned(unsafe) let server: Server   // see Server.deinit

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in ZwpPrimarySelectionDeviceManagerV1(server: server) }
    }

    private init(server: Server) { self.server = server }
}
