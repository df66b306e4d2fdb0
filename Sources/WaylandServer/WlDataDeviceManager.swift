import CWaylandServer

/// wl_data_device_manager, minimal: clients that insist on a clipboard (foot) get data sources and data
/// devices that accept every request. With no keyboard focus there is never a selection to offer and no
/// drag can start, so none of them sends events.
final class WlDataDeviceManager: ResourceObject {
    static let version: Int32 = 3

    static let implementation = Implementation(wl_data_device_manager_interface(
        create_data_source: { client, resource, id in
            guard let client, let resource else { return }
            InertDataObject.make(client: client, interface: Interfaces.wlDataSource, version: wl_resource_get_version(resource),
                                 id: id, implementation: InertDataObject.source)
        },
        get_data_device: { client, resource, id, _ in
            guard let client, let resource else { return }
            InertDataObject.make(client: client, interface: Interfaces.wlDataDevice, version: wl_resource_get_version(resource),
                                 id: id, implementation: InertDataObject.device)
        }))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        _ = Resource.make(client: client, interface: Interfaces.wlDataDeviceManager, version: Int32(version), id: id,
                          implementation: implementation, object: WlDataDeviceManager())
    }

    func resourceDestroyed() {}
}

/// A wl_data_source or wl_data_device that only answers its destructor.
final class InertDataObject: ResourceObject {
    static let source = Implementation(wl_data_source_interface(
        offer: { _, _, _ in }, destroy: Resource.destroyRequest, set_actions: { _, _, _ in }))
    static let device = Implementation(wl_data_device_interface(
        start_drag: { _, _, _, _, _, _ in }, set_selection: { _, _, _, _ in }, release: Resource.destroyRequest))

    static func make<Table>(client: OpaquePointer, interface: Interface, version: Int32, id: UInt32,
                            implementation: Implementation<Table>) {
        _ = Resource.make(client: client, interface: interface, version: version, id: id,
                          implementation: implementation, object: InertDataObject())
    }

    func resourceDestroyed() {}
}
