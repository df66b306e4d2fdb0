import CWaylandServer

/// wl_seat: advertised so that clients which insist on a seat start, with no capabilities (Seawall has no
/// input devices yet). Pointer, keyboard and touch requests get inert objects that never send events,
/// which is what a seat whose capabilities just went away looks like to a client.
final class WlSeat: ResourceObject {
    static let version: Int32 = 7

    static let implementation = Implementation(wl_seat_interface(
        get_pointer: { client, resource, id in
            guard let client, let resource else { return }
            InertDevice.make(client: client, interface: Interfaces.wlPointer, version: wl_resource_get_version(resource),
                             id: id, implementation: InertDevice.pointer)
        },
        get_keyboard: { client, resource, id in
            guard let client, let resource else { return }
            InertDevice.make(client: client, interface: Interfaces.wlKeyboard, version: wl_resource_get_version(resource),
                             id: id, implementation: InertDevice.keyboard)
        },
        get_touch: { client, resource, id in
            guard let client, let resource else { return }
            InertDevice.make(client: client, interface: Interfaces.wlTouch, version: wl_resource_get_version(resource),
                             id: id, implementation: InertDevice.touch)
        },
        release: Resource.destroyRequest))

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        guard let resource = Resource.make(client: client, interface: Interfaces.wlSeat, version: Int32(version), id: id,
                                           implementation: implementation, object: WlSeat())
        else { return }
        wl_seat_send_capabilities(resource, 0)
        if version >= 2 { wl_seat_send_name(resource, "seat0") }
    }

    func resourceDestroyed() {}
}

/// A wl_pointer, wl_keyboard or wl_touch that never receives events; it only answers its destructor.
final class InertDevice: ResourceObject {
    static let pointer = Implementation(wl_pointer_interface(
        set_cursor: { _, _, _, _, _, _ in }, release: Resource.destroyRequest))
    static let keyboard = Implementation(wl_keyboard_interface(release: Resource.destroyRequest))
    static let touch = Implementation(wl_touch_interface(release: Resource.destroyRequest))

    static func make<Table>(client: OpaquePointer, interface: Interface, version: Int32, id: UInt32,
                            implementation: Implementation<Table>) {
        _ = Resource.make(client: client, interface: interface, version: version, id: id,
                          implementation: implementation, object: InertDevice())
    }

    func resourceDestroyed() {}
}
