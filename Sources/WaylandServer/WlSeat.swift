import CWaylandServer

/// wl_seat: the one seat, "seat0". Its capabilities are those of the input devices attached to the server
/// (`Seat`): none by default, a pointer, keyboard and/or touch once a harness or backend adds them. Device
/// objects work whether or not the capability is there (a client may ask before it hears the capabilities).
final class WlSeat: ResourceObject {
    static let version: Int32 = 7
    private unowned(unsafe) let server: Server   // see Server.deinit
    let resource: OpaquePointer

    static let implementation = Implementation(wl_seat_interface(
        get_pointer: { client, resource, id in
            guard let client, let resource, let seat = WlSeat.from(resource) else { return }
            WlPointer.create(seat: seat.server.seat, client: client, version: wl_resource_get_version(resource), id: id)
        },
        get_keyboard: { client, resource, id in
            guard let client, let resource, let seat = WlSeat.from(resource) else { return }
            WlKeyboard.create(seat: seat.server.seat, keymap: seat.server.keymapFile, client: client,
                              version: wl_resource_get_version(resource), id: id)
        },
        get_touch: { client, resource, id in
            guard let client, let resource, let seat = WlSeat.from(resource) else { return }
            WlTouch.create(seat: seat.server.seat, client: client, version: wl_resource_get_version(resource), id: id)
        },
        release: Resource.destroyRequest))

    static func from(_ resource: OpaquePointer?) -> WlSeat? {
        Resource.object(resource, WlSeat.self, interface: Interfaces.wlSeat, implementation: implementation)
    }

    static func bind(server: Server, client: OpaquePointer, version: UInt32, id: UInt32) {
        guard let resource = Resource.create(client: client, interface: Interfaces.wlSeat, version: Int32(version), id: id)
        else { return }
        let seat = WlSeat(server: server, resource: resource)
        Resource.bind(resource, implementation: implementation, object: seat)
        server.seat.seatBound(seat)
        wl_seat_send_capabilities(resource, server.seat.capabilities)
        if version >= 2 { wl_seat_send_name(resource, "seat0") }
    }

    private init(server: Server, resource: OpaquePointer) {
        self.server = server
        self.resource = resource
    }

    func resourceDestroyed() { server.seat.seatReleased(self) }
}
