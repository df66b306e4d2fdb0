import CWaylandServer

/// wl_data_device_manager: makes data sources (what a client offers) and data devices (a client's view of
/// the seat's clipboard). Seawall keeps one selection per seat (copy and paste between clients, `Seat`);
/// drag and drop is not offered: a drag's source is cancelled at once.
final class WlDataDeviceManager: ProtocolObject {

    static let implementation = Implementation(wl_data_device_manager_interface(
        create_data_source: { client, resource, id in
            guard let client, let resource, let manager = WlDataDeviceManager.from(resource) else { return }
            WlDataSource.create(server: manager.server, client: client, version: wl_resource_get_version(resource), id: id)
        },
        get_data_device: { client, resource, id, _ in
            guard let client, let resource, let manager = WlDataDeviceManager.from(resource) else { return }
            WlDataDevice.create(seat: manager.server.seat, client: client, version: wl_resource_get_version(resource), id: id)
        }))

    private unowned(unsafe) let server: Server   // see Server.deinit

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        makeResource(client: client, version: Int32(version), id: id) { _ in WlDataDeviceManager(server: server) }
    }

    private init(server: Server) { self.server = server }
}
